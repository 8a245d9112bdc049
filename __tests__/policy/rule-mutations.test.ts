/**
 * Every rule can change its mind: on a copy of the dev stack broken (or
 * fixed) in one place, the rule's outcome on that resource flips. A rule
 * that always passed, or always failed, would prove nothing.
 */
import { Block, byPath, ref, synthPipeline, TerraformJson } from "../stacks/synth-helper";
import { ALL_RULES } from "./rules/all-rules";
import { evaluateRules } from "./support/policy-rule";
import { StackIndex } from "./support/stack-index";

type Outcome = "pass" | "fail" | "absent";

interface Mutation {
  /** Construct path of the resource whose outcome flips. */
  readonly resource: string;
  readonly before: Outcome;
  readonly after: Outcome;
  mutate(json: TerraformJson): void;
}

function block(json: TerraformJson, type: string, path: string): Block {
  return byPath(json, type, path).block;
}

function editPolicy(holder: Block, edit: (statements: Block[]) => void, field = "policy"): void {
  const document = JSON.parse(holder[field] as string) as { Statement: Block[] };
  edit(document.Statement);
  holder[field] = JSON.stringify(document);
}

function addResource(json: TerraformJson, type: string, path: string, config: Block): void {
  json.resource[type] = {
    ...(json.resource[type] ?? {}),
    [path.replace(/\W/g, "_")]: { "//": { metadata: { path: `stack/${path}` } }, ...config },
  };
}

function remove(json: TerraformJson, type: string, path: string): void {
  delete json.resource[type][byPath(json, type, path).key];
}

const processorPolicy = (json: TerraformJson) =>
  block(json, "aws_iam_role_policy", "image-processor/execution/policy");
const allow = (action: string, resource: string) => ({
  Effect: "Allow",
  Action: [action],
  Resource: [resource],
});
const bucketArn = (json: TerraformJson, name: string) =>
  ref(byPath(json, "aws_s3_bucket", `${name}/bucket`), "arn");

const MUTATIONS: Readonly<Record<string, Mutation>> = {
  S3_PUBLIC_ACCESS_BLOCK: {
    resource: "uploads/bucket",
    before: "pass",
    after: "fail",
    mutate: (json) =>
      remove(json, "aws_s3_bucket_public_access_block", "uploads/public-access-block"),
  },
  ...Object.fromEntries(
    [
      ["S3_BLOCK_PUBLIC_ACLS", "block_public_acls"],
      ["S3_IGNORE_PUBLIC_ACLS", "ignore_public_acls"],
      ["S3_BLOCK_PUBLIC_POLICY", "block_public_policy"],
      ["S3_RESTRICT_PUBLIC_BUCKETS", "restrict_public_buckets"],
    ].map(([rule, flag]): [string, Mutation] => [
      rule,
      {
        resource: "uploads/bucket",
        before: "pass",
        after: "fail",
        mutate: (json) => {
          block(json, "aws_s3_bucket_public_access_block", "uploads/public-access-block")[flag] =
            false;
        },
      },
    ]),
  ),
  S3_ACLS_DISABLED: {
    resource: "uploads/bucket",
    before: "pass",
    after: "fail",
    mutate: (json) => {
      block(json, "aws_s3_bucket_ownership_controls", "uploads/ownership").rule = {
        object_ownership: "ObjectWriter",
      };
    },
  },
  S3_ENCRYPTION: {
    resource: "uploads/bucket",
    before: "pass",
    after: "fail",
    mutate: (json) =>
      remove(json, "aws_s3_bucket_server_side_encryption_configuration", "uploads/encryption"),
  },
  S3_VERSIONING: {
    resource: "uploads/bucket",
    before: "pass",
    after: "fail",
    mutate: (json) => {
      block(json, "aws_s3_bucket_versioning", "uploads/versioning").versioning_configuration = {
        status: "Suspended",
      };
    },
  },
  S3_TLS_ONLY: {
    resource: "uploads/bucket",
    before: "pass",
    after: "fail",
    mutate: (json) =>
      editPolicy(block(json, "aws_s3_bucket_policy", "uploads/policy"), (statements) => {
        delete statements[0].Condition;
      }),
  },
  S3_ABORT_MULTIPART: {
    resource: "uploads/bucket",
    before: "pass",
    after: "fail",
    mutate: (json) => {
      const lifecycle = block(json, "aws_s3_bucket_lifecycle_configuration", "uploads/lifecycle");
      lifecycle.rule = (lifecycle.rule as Block[]).filter(
        (rule) => !rule.abort_incomplete_multipart_upload,
      );
    },
  },
  S3_ACCESS_LOGGING: {
    resource: "uploads/bucket",
    before: "pass",
    after: "fail",
    mutate: (json) => remove(json, "aws_s3_bucket_logging", "access-logs/uploads-logging"),
  },
  S3_NO_PUBLIC_PRINCIPAL: {
    resource: "uploads/bucket",
    before: "pass",
    after: "fail",
    mutate: (json) =>
      editPolicy(block(json, "aws_s3_bucket_policy", "uploads/policy"), (statements) => {
        statements.push({
          ...allow("s3:GetObject", `${bucketArn(json, "uploads")}/*`),
          Principal: "*",
        });
      }),
  },
  S3_PUBLIC_READ_ONLY: {
    resource: "thumbnails/bucket",
    before: "pass",
    after: "fail",
    mutate: (json) =>
      editPolicy(block(json, "aws_s3_bucket_policy", "thumbnails/policy"), (statements) => {
        statements[0].Action = ["s3:GetObject", "s3:ListBucket"];
      }),
  },
  LAMBDA_FAILURE_DESTINATION: {
    resource: "image-processor/function",
    before: "pass",
    after: "fail",
    mutate: (json) =>
      remove(json, "aws_lambda_function_event_invoke_config", "image-processor/async-config"),
  },
  LAMBDA_CONCURRENCY_LIMIT: {
    resource: "image-processor/function",
    before: "fail",
    after: "pass",
    mutate: (json) => {
      block(
        json,
        "aws_lambda_function",
        "image-processor/function",
      ).reserved_concurrent_executions = 10;
    },
  },
  LAMBDA_TRACING: {
    resource: "image-processor/function",
    before: "pass",
    after: "fail",
    mutate: (json) => {
      block(json, "aws_lambda_function", "image-processor/function").tracing_config = {
        mode: "PassThrough",
      };
    },
  },
  LAMBDA_SUPPORTED_RUNTIME: {
    resource: "image-processor/function",
    before: "pass",
    after: "fail",
    mutate: (json) => {
      block(json, "aws_lambda_function", "image-processor/function").runtime = "nodejs16.x";
    },
  },
  LAMBDA_NO_SECRETS_IN_ENV: {
    resource: "image-processor/function",
    before: "pass",
    after: "fail",
    mutate: (json) => {
      const fn = block(json, "aws_lambda_function", "image-processor/function");
      const key = ref(byPath(json, "aws_iam_access_key", "instructor/access-key"), "secret");
      (fn.environment as { variables: Block }).variables.UPSTREAM_KEY = key;
    },
  },
  LAMBDA_PERMISSION_SCOPED: {
    resource: "image-processor/function",
    before: "pass",
    after: "fail",
    mutate: (json) => {
      delete block(json, "aws_lambda_permission", "upload-trigger/permission").source_account;
    },
  },
  LAMBDA_OWN_LOG_GROUP: {
    resource: "image-processor/function",
    before: "pass",
    after: "fail",
    mutate: (json) => {
      remove(json, "aws_cloudwatch_log_group", "image-processor/log-group");
      delete block(json, "aws_lambda_function", "image-processor/function").logging_config;
    },
  },
  SNS_ENCRYPTED: {
    resource: "events/topic",
    before: "pass",
    after: "fail",
    mutate: (json) => {
      delete block(json, "aws_sns_topic", "events/topic").kms_master_key_id;
    },
  },
  SNS_NO_PUBLIC_POLICY: {
    resource: "events/topic",
    before: "pass",
    after: "fail",
    mutate: (json) => {
      const topic = ref(byPath(json, "aws_sns_topic", "events/topic"), "arn");
      addResource(json, "aws_sns_topic_policy", "events/policy", {
        arn: topic,
        policy: JSON.stringify({
          Statement: [{ ...allow("sns:Publish", topic), Principal: { AWS: "*" } }],
        }),
      });
    },
  },
  SQS_ENCRYPTED: {
    resource: "image-processor/failure-queue",
    before: "pass",
    after: "fail",
    mutate: (json) => {
      block(json, "aws_sqs_queue", "image-processor/failure-queue").sqs_managed_sse_enabled = false;
    },
  },
  SQS_NO_PUBLIC_POLICY: {
    resource: "image-processor/failure-queue",
    before: "pass",
    after: "fail",
    mutate: (json) => {
      const queue = byPath(json, "aws_sqs_queue", "image-processor/failure-queue");
      addResource(json, "aws_sqs_queue_policy", "image-processor/queue-policy", {
        queue_url: ref(queue, "url"),
        policy: JSON.stringify({
          Statement: [{ ...allow("sqs:SendMessage", ref(queue, "arn")), Principal: "*" }],
        }),
      });
    },
  },
  DYNAMODB_PITR: {
    resource: "jobs/table",
    before: "pass",
    after: "fail",
    mutate: (json) => {
      block(json, "aws_dynamodb_table", "jobs/table").point_in_time_recovery = { enabled: false };
    },
  },
  DYNAMODB_ENCRYPTION: {
    resource: "jobs/table",
    before: "pass",
    after: "fail",
    mutate: (json) => {
      delete block(json, "aws_dynamodb_table", "jobs/table").server_side_encryption;
    },
  },
  LOGS_RETENTION: {
    resource: "image-processor/log-group",
    before: "pass",
    after: "fail",
    mutate: (json) => {
      delete block(json, "aws_cloudwatch_log_group", "image-processor/log-group").retention_in_days;
    },
  },
  OUTPUT_SECRETS_SENSITIVE: {
    resource: "output/instructor_secret_access_key",
    before: "pass",
    after: "fail",
    mutate: (json) => {
      json.output.instructor_secret_access_key.sensitive = false;
    },
  },
  IAM_NO_WILDCARD_ACTION: {
    resource: "image-processor/execution/policy",
    before: "pass",
    after: "fail",
    mutate: (json) =>
      editPolicy(processorPolicy(json), (s) =>
        s.push(allow("s3:*", `${bucketArn(json, "thumbnails")}/*`)),
      ),
  },
  IAM_NO_WILDCARD_RESOURCE: {
    resource: "image-processor/execution/policy",
    before: "pass",
    after: "fail",
    mutate: (json) => editPolicy(processorPolicy(json), (s) => s.push(allow("sns:Publish", "*"))),
  },
  IAM_NO_PRIVILEGE_ESCALATION: {
    resource: "image-processor/execution/policy",
    before: "pass",
    after: "fail",
    mutate: (json) =>
      editPolicy(processorPolicy(json), (s) =>
        s.push(allow("lambda:UpdateFunctionCode", "arn:aws:lambda:*:*:function:x")),
      ),
  },
  IAM_NO_CREDENTIAL_EXPOSURE: {
    resource: "image-processor/execution/policy",
    before: "pass",
    after: "fail",
    mutate: (json) =>
      editPolicy(processorPolicy(json), (s) =>
        s.push(allow("iam:CreateAccessKey", "arn:aws:iam::*:user/x")),
      ),
  },
  IAM_NO_IDENTITY_ACTIONS: {
    resource: "instructor/policy",
    before: "pass",
    after: "fail",
    mutate: (json) =>
      editPolicy(block(json, "aws_iam_group_policy", "instructor/policy"), (s) =>
        s.push(allow("iam:ListRoles", "*")),
      ),
  },
  IAM_NO_DATA_EXFILTRATION: {
    resource: "image-processor/execution/policy",
    before: "pass",
    after: "fail",
    mutate: (json) => editPolicy(processorPolicy(json), (s) => s.push(allow("s3:GetObject", "*"))),
  },
  IAM_POLICY_ON_ROLE_OR_GROUP: {
    resource: "instructor/user",
    before: "pass",
    after: "fail",
    mutate: (json) =>
      addResource(json, "aws_iam_user_policy", "instructor/extra-policy", {
        user: ref(byPath(json, "aws_iam_user", "instructor/user"), "name"),
        policy: JSON.stringify({ Statement: [allow("s3:ListBucket", bucketArn(json, "uploads"))] }),
      }),
  },
  IAM_NO_CONSOLE_LOGIN: {
    resource: "instructor/user",
    before: "pass",
    after: "fail",
    mutate: (json) =>
      addResource(json, "aws_iam_user_login_profile", "instructor/login", {
        user: ref(byPath(json, "aws_iam_user", "instructor/user"), "name"),
      }),
  },
  IAM_ROLE_TRUST_SCOPED: {
    resource: "image-processor/execution/role",
    before: "pass",
    after: "fail",
    mutate: (json) =>
      editPolicy(
        block(json, "aws_iam_role", "image-processor/execution/role"),
        (statements) => {
          statements[0].Principal = { AWS: "arn:aws:iam::111122223333:root" };
        },
        "assume_role_policy",
      ),
  },
};

async function outcome(json: TerraformJson, ruleId: string, resource: string): Promise<Outcome> {
  const rule = ALL_RULES.find((r) => r.id === ruleId)!;
  const finding = (await evaluateRules([rule], new StackIndex(json))).find(
    (f) => f.resource === resource,
  );

  return finding === undefined ? "absent" : finding.passed ? "pass" : "fail";
}

const original = synthPipeline({ STAGE: "dev" });

describe("rule mutations", () => {
  it("has a mutation for every rule", () => {
    // Assert
    expect(Object.keys(MUTATIONS).sort()).toEqual(ALL_RULES.map((rule) => rule.id).sort());
  });

  it.each(Object.entries(MUTATIONS))(
    "%s changes its outcome when the stack changes",
    async (ruleId, mutation) => {
      // Arrange
      const mutated = structuredClone(original);
      mutation.mutate(mutated);

      // Act
      const before = await outcome(original, ruleId, mutation.resource);
      const after = await outcome(mutated, ruleId, mutation.resource);

      // Assert
      expect({ before, after }).toEqual({ before: mutation.before, after: mutation.after });
    },
  );
});

describe("S3_ACCESS_LOGGING where the logs could not land", () => {
  const uploadsLogging = (json: TerraformJson) =>
    block(json, "aws_s3_bucket_logging", "access-logs/uploads-logging");
  const editUploadsGrant = (json: TerraformJson, edit: (statement: Block) => void) =>
    editPolicy(block(json, "aws_s3_bucket_policy", "access-logs/policy"), (statements) =>
      edit(statements.find((s) => s.Sid === "DeliverAccessLogsOfUploads")!),
    );

  it.each<[string, (json: TerraformJson) => void]>([
    [
      "the bucket logs into itself",
      (json) => {
        const uploads = byPath(json, "aws_s3_bucket", "uploads/bucket");
        uploadsLogging(json).target_bucket = ref(uploads, "id");
      },
    ],
    [
      "the logs are granted through an ACL",
      (json) => {
        uploadsLogging(json).target_grant = [
          { permission: "WRITE", grantee: { type: "Group", uri: "LogDelivery" } },
        ];
      },
    ],
    [
      "the log bucket's policy has no statement for it",
      (json) =>
        editPolicy(block(json, "aws_s3_bucket_policy", "access-logs/policy"), (statements) => {
          statements.splice(
            statements.findIndex((s) => s.Sid === "DeliverAccessLogsOfUploads"),
            1,
          );
        }),
    ],
    [
      "its statement covers another prefix",
      (json) =>
        editUploadsGrant(json, (s) => {
          s.Resource = [`${bucketArn(json, "access-logs")}/thumbnails/*`];
        }),
    ],
    [
      "its statement names another source bucket",
      (json) =>
        editUploadsGrant(json, (s) => {
          s.Condition.ArnEquals["aws:SourceArn"] = bucketArn(json, "thumbnails");
        }),
    ],
    [
      "its statement does not pin the source account",
      (json) =>
        editUploadsGrant(json, (s) => {
          delete s.Condition.StringEquals;
        }),
    ],
  ])("fails the uploads bucket when %s", async (_, mutate) => {
    // Arrange
    const mutated = structuredClone(original);
    mutate(mutated);

    // Act
    const before = await outcome(original, "S3_ACCESS_LOGGING", "uploads/bucket");
    const after = await outcome(mutated, "S3_ACCESS_LOGGING", "uploads/bucket");

    // Assert
    expect({ before, after }).toEqual({ before: "pass", after: "fail" });
  });
});
