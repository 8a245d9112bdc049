import {
  anonymousPrincipal,
  isWildcardOnlyAction,
  runSimulation,
} from "@cloud-copilot/iam-simulate";
import {
  allOf,
  byPath,
  type Block,
  policyOf,
  ref,
  synthPipeline,
  type TerraformJson,
} from "./synth-helper";

const ACCOUNT = "111122223333";

/** Replaces every Terraform reference in a policy with a concrete value, as AWS would see it. */
function concrete<T>(json: TerraformJson, value: T): T {
  const values = new Map<string, string>();
  for (const bucket of allOf(json, "aws_s3_bucket")) {
    const name = String(bucket.block.bucket).replace(/\$\{[^}]+\}/, ACCOUNT);
    values.set(ref(bucket, "arn"), `arn:aws:s3:::${name}`);
  }
  for (const fn of allOf(json, "aws_lambda_function")) {
    values.set(
      ref(fn, "arn"),
      `arn:aws:lambda:ap-south-1:${ACCOUNT}:function:${fn.block.function_name}`
    );
  }
  for (const group of allOf(json, "aws_cloudwatch_log_group")) {
    values.set(
      ref(group, "arn"),
      `arn:aws:logs:ap-south-1:${ACCOUNT}:log-group:${group.block.name}`
    );
  }
  for (const queue of allOf(json, "aws_sqs_queue")) {
    values.set(ref(queue, "arn"), `arn:aws:sqs:ap-south-1:${ACCOUNT}:${queue.block.name}`);
  }
  const table = byPath(json, "aws_dynamodb_table", "jobs/table");
  values.set(ref(table, "arn"), `arn:aws:dynamodb:ap-south-1:${ACCOUNT}:table/${table.block.name}`);
  const topic = byPath(json, "aws_sns_topic", "events/topic");
  values.set(ref(topic, "arn"), `arn:aws:sns:ap-south-1:${ACCOUNT}:${topic.block.name}`);

  const text = JSON.stringify(value).replace(/\$\{[^}]+\}/g, (reference) => {
    const value = values.get(reference);
    if (value === undefined) throw new Error(`no concrete value for ${reference}`);

    return value;
  });

  return JSON.parse(text) as T;
}

/** The decision of IAM for a request by a role of the account (or an anonymous one) over TLS. */
async function decide(
  request: { action: string; resource: string; anonymous?: boolean },
  identityPolicies: Block[],
  resourcePolicy?: Block
): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal:
          request.anonymous === true
            ? anonymousPrincipal
            : `arn:aws:iam::${ACCOUNT}:role/under-test`,
        action: request.action,
        resource: { resource: request.resource, accountId: ACCOUNT },
        contextVariables: { "aws:SecureTransport": "true" },
      },
      identityPolicies: identityPolicies.map((policy, index) => ({
        name: `policy-${index}`,
        policy,
      })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
    },
    {}
  );
  if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));

  return result.overallResult;
}

describe("IAM", () => {
  const json = synthPipeline();
  const arnOf = (type: string, path: string) => ref(byPath(json, type, path), "arn");
  const uploads = arnOf("aws_s3_bucket", "uploads/bucket");
  const thumbnails = arnOf("aws_s3_bucket", "thumbnails/bucket");
  const analytics = arnOf("aws_s3_bucket", "analytics/bucket");
  const table = arnOf("aws_dynamodb_table", "jobs/table");
  const topic = arnOf("aws_sns_topic", "events/topic");
  const processorPolicy = policyOf(
    byPath(json, "aws_iam_role_policy", "image-processor/execution/policy")
  );
  const loggerPolicy = policyOf(
    byPath(json, "aws_iam_role_policy", "analytics-logger/execution/policy")
  );
  const common = (name: string) => ({
    logs: {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [`${arnOf("aws_cloudwatch_log_group", `${name}/log-group`)}:*`],
    },
    queue: {
      Sid: "SendFailedInvocations",
      Effect: "Allow",
      Action: ["sqs:SendMessage"],
      Resource: [arnOf("aws_sqs_queue", `${name}/failure-queue`)],
    },
    traces: {
      Sid: "WriteTraces",
      Effect: "Allow",
      Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      Resource: ["*"],
    },
  });

  it("gives the processor exactly its listed statements", () => {
    // Arrange
    const { logs, queue, traces } = common("image-processor");

    // Act
    const statements = processorPolicy.Statement;

    // Assert
    expect(statements).toEqual([
      logs,
      {
        Sid: "ReadUploads",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:GetObjectVersion"],
        Resource: [`${uploads}/*`],
      },
      {
        Sid: "WriteThumbnails",
        Effect: "Allow",
        Action: ["s3:PutObject"],
        Resource: [`${thumbnails}/*`],
      },
      {
        Sid: "RecordJobs",
        Effect: "Allow",
        Action: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:GetItem"],
        Resource: [table],
      },
      { Sid: "PublishEvents", Effect: "Allow", Action: ["sns:Publish"], Resource: [topic] },
      {
        Sid: "NeverWriteUploads",
        Effect: "Deny",
        Action: ["s3:PutObject"],
        Resource: [`${uploads}/*`],
      },
      queue,
      traces,
    ]);
  });

  it("gives the logger exactly its listed statements", () => {
    // Arrange
    const { logs, queue, traces } = common("analytics-logger");

    // Act
    const statements = loggerPolicy.Statement;

    // Assert
    expect(statements).toEqual([
      logs,
      {
        Sid: "WriteAnalytics",
        Effect: "Allow",
        Action: ["s3:PutObject"],
        Resource: [`${analytics}/*`],
      },
      queue,
      traces,
    ]);
  });

  it("attaches nothing else to the function roles", () => {
    // Act
    const attachments = [
      "aws_iam_role_policy_attachment",
      "aws_iam_policy",
      "aws_iam_policy_attachment",
    ].flatMap((type) => allOf(json, type));

    // Assert
    expect(attachments).toEqual([]);
    expect(allOf(json, "aws_iam_role_policy")).toHaveLength(2);
  });

  it("uses a * resource only for actions that AWS cannot scope, and never a * action", async () => {
    // Arrange
    const allows = [...processorPolicy.Statement, ...loggerPolicy.Statement].filter(
      (s) => s.Effect === "Allow"
    );

    // Act
    const unscoped = allows
      .filter((s) => (s.Resource as string[]).includes("*"))
      .flatMap((s) => s.Action as string[]);
    const wildcardOnly = await Promise.all(
      unscoped.map((action) => isWildcardOnlyAction(action.split(":")[0], action.split(":")[1]))
    );

    // Assert
    expect(
      allows.flatMap((s) => s.Action as string[]).filter((action) => action.includes("*"))
    ).toEqual([]);
    expect(unscoped).toEqual([
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
    ]);
    expect(wildcardOnly.every(Boolean)).toBe(true);
  });

  describe("I6: the processor cannot write into the bucket that triggers it", () => {
    const policy = concrete(json, processorPolicy);
    const uploadsObject = concrete(json, `${uploads}/photos/a.jpg`);
    const thumbnailsObject = concrete(json, `${thumbnails}/photos/a.jpg`);

    it("I6: lets the processor read uploads (any version) and write thumbnails", async () => {
      // Act
      const read = await decide({ action: "s3:GetObject", resource: uploadsObject }, [policy]);
      const readVersion = await decide({ action: "s3:GetObjectVersion", resource: uploadsObject }, [
        policy,
      ]);
      const write = await decide({ action: "s3:PutObject", resource: thumbnailsObject }, [policy]);

      // Assert
      expect([read, readVersion, write]).toEqual(["Allowed", "Allowed", "Allowed"]);
    });

    it("I6: refuses the processor any PutObject into the uploads bucket", async () => {
      // Act
      const decision = await decide({ action: "s3:PutObject", resource: uploadsObject }, [policy]);

      // Assert
      expect(decision).toBe("ExplicitlyDenied");
    });

    it("I6: still refuses it when a broad S3 policy is attached to the role later", async () => {
      // Arrange
      const broad = {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
      };

      // Act
      const decision = await decide({ action: "s3:PutObject", resource: uploadsObject }, [
        policy,
        broad,
      ]);

      // Assert
      expect(decision).toBe("ExplicitlyDenied");
    });

    it("I6: grants no other write on the uploads bucket", async () => {
      // Arrange
      const writes = [
        "s3:DeleteObject",
        "s3:PutObjectAcl",
        "s3:PutObjectTagging",
        "s3:RestoreObject",
      ];

      // Act
      const decisions = await Promise.all(
        writes.map((action) => decide({ action, resource: uploadsObject }, [policy]))
      );

      // Assert
      expect(decisions.every((decision) => decision !== "Allowed")).toBe(true);
    });
  });

  it("I2: lets anyone read a thumbnail but not list the bucket", async () => {
    // Arrange
    const bucketPolicy = concrete(
      json,
      policyOf(byPath(json, "aws_s3_bucket_policy", "thumbnails/policy"))
    );
    const bucketArn = concrete(json, thumbnails);

    // Act
    const read = await decide(
      { action: "s3:GetObject", resource: `${bucketArn}/a.jpg`, anonymous: true },
      [],
      bucketPolicy
    );
    const list = await decide(
      { action: "s3:ListBucket", resource: bucketArn, anonymous: true },
      [],
      bucketPolicy
    );

    // Assert
    expect([read, list]).toEqual(["Allowed", "ImplicitlyDenied"]);
  });

  describe("instructor", () => {
    const policy = concrete(
      json,
      policyOf(byPath(json, "aws_iam_group_policy", "instructor/policy"))
    );
    const objectIn = (bucketArn: string) => `${concrete(json, bucketArn)}/photos/a.jpg`;

    it("lets the instructor use every action of the policy on the stack's resources", async () => {
      // Arrange
      const requests = (policy.Statement as Block[]).flatMap((statement) =>
        (statement.Action as string[]).flatMap((action) =>
          (statement.Resource as string[])
            .map((resource) =>
              resource.replace(/\/\*$/, "/photos/a.jpg").replace(/:\*$/, ":log-stream:s1")
            )
            .map((resource) => ({ action, resource }))
        )
      );

      // Act
      const decisions = await Promise.all(
        requests.map(async (request) => ({
          action: request.action,
          // A pair such as GetLogEvents on a log group (not a stream) is no request AWS would see.
          decision: await decide(request, [policy]).catch((error: Error) =>
            error.message.includes("no.resource.types") ? "NotApplicable" : Promise.reject(error)
          ),
        }))
      );

      // Assert
      const allowedActions = new Set(
        decisions.filter((d) => d.decision === "Allowed").map((d) => d.action)
      );
      expect(decisions.filter((d) => !["Allowed", "NotApplicable"].includes(d.decision))).toEqual(
        []
      );
      expect([...allowedActions].sort()).toEqual(
        [...new Set(requests.map((r) => r.action))].sort()
      );
    });

    it("refuses the instructor any change", async () => {
      // Arrange
      const tableArn = concrete(json, table);
      const writes = [
        { action: "s3:PutObject", resource: objectIn(uploads) },
        { action: "s3:DeleteObject", resource: objectIn(thumbnails) },
        { action: "dynamodb:PutItem", resource: tableArn },
        { action: "sns:Publish", resource: concrete(json, topic) },
        {
          action: "lambda:InvokeFunction",
          resource: concrete(json, arnOf("aws_lambda_function", "image-processor/function")),
        },
      ];

      // Act
      const decisions = await Promise.all(writes.map((request) => decide(request, [policy])));

      // Assert
      expect(decisions).toEqual(writes.map(() => "ImplicitlyDenied"));
    });
  });
});
