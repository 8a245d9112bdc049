import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PolicyTemplateError } from "../../stacks/errors";
import {
  INSTRUCTOR_POLICY_PLACEHOLDERS,
  renderInstructorPolicy,
} from "../../stacks/instructor-policy";
import { allOf, byPath, policyOf, ref, synthPipeline } from "./synth-helper";

describe("instructor user", () => {
  const json = synthPipeline();
  const user = byPath(json, "aws_iam_user", "instructor/user");
  const arnOf = (type: string, path: string) => ref(byPath(json, type, path), "arn");

  it("creates one IAM user named after the stack, without a console password", () => {
    // Act
    const users = allOf(json, "aws_iam_user");

    // Assert
    expect(users.map((found) => found.block.name)).toEqual([
      "activity4-image-pipeline-dev-instructor",
    ]);
    expect(allOf(json, "aws_iam_user_login_profile")).toEqual([]);
  });

  it("gives the user one access key", () => {
    // Act
    const keys = allOf(json, "aws_iam_access_key");

    // Assert
    expect(keys.map((found) => found.block.user)).toEqual([ref(user, "name")]);
  });

  it("puts the user in one group named after the stack and gives it no policy of its own", () => {
    // Act
    const groups = allOf(json, "aws_iam_group");
    const memberships = allOf(json, "aws_iam_user_group_membership");

    // Assert
    expect(groups.map((found) => found.block.name)).toEqual([
      "activity4-image-pipeline-dev-instructors",
    ]);
    expect(memberships.map((found) => [found.block.user, found.block.groups])).toEqual([
      [ref(user, "name"), [ref(groups[0], "name")]],
    ]);
    expect(allOf(json, "aws_iam_user_policy")).toEqual([]);
    expect(allOf(json, "aws_iam_user_policy_attachment")).toEqual([]);
  });

  it("gives the group the statements of instructor_policy.json, with this stack's ARNs", () => {
    // Arrange
    const [uploads, thumbnails, analytics] = ["uploads", "thumbnails", "analytics"].map((name) =>
      arnOf("aws_s3_bucket", `${name}/bucket`)
    );
    const [processor, logger] = ["image-processor", "analytics-logger"].map((name) =>
      arnOf("aws_lambda_function", `${name}/function`)
    );
    const [processorLogs, loggerLogs] = ["image-processor", "analytics-logger"].map((name) =>
      arnOf("aws_cloudwatch_log_group", `${name}/log-group`)
    );

    // Act
    const policies = allOf(json, "aws_iam_group_policy");

    // Assert
    expect(policies).toHaveLength(1);
    expect(policies[0].block.group).toBe(
      ref(byPath(json, "aws_iam_group", "instructor/group"), "name")
    );
    expect(policyOf(policies[0]).Statement).toEqual([
      {
        Sid: "ListPipelineBuckets",
        Effect: "Allow",
        Action: ["s3:ListBucket", "s3:GetBucketLocation"],
        Resource: [uploads, thumbnails, analytics],
      },
      {
        Sid: "ReadPipelineObjects",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: [`${uploads}/*`, `${thumbnails}/*`, `${analytics}/*`],
      },
      {
        Sid: "ReadJobsTable",
        Effect: "Allow",
        Action: ["dynamodb:DescribeTable", "dynamodb:Scan", "dynamodb:Query", "dynamodb:GetItem"],
        Resource: [arnOf("aws_dynamodb_table", "jobs/table")],
      },
      {
        Sid: "InspectEventsTopic",
        Effect: "Allow",
        Action: [
          "sns:GetTopicAttributes",
          "sns:ListSubscriptionsByTopic",
          "sns:ListTagsForResource",
        ],
        Resource: [arnOf("aws_sns_topic", "events/topic")],
      },
      {
        Sid: "InspectFunctions",
        Effect: "Allow",
        Action: [
          "lambda:GetFunction",
          "lambda:GetFunctionConfiguration",
          "lambda:GetFunctionConcurrency",
          "lambda:GetFunctionEventInvokeConfig",
          "lambda:GetPolicy",
          "lambda:ListVersionsByFunction",
          "lambda:ListAliases",
          "lambda:ListTags",
        ],
        Resource: [processor, logger],
      },
      {
        Sid: "ReadFunctionLogs",
        Effect: "Allow",
        Action: ["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents"],
        Resource: [processorLogs, `${processorLogs}:*`, loggerLogs, `${loggerLogs}:*`],
      },
    ]);
  });

  it("marks the secret access key output sensitive", () => {
    // Act
    const output = json.output.instructor_secret_access_key;

    // Assert
    expect(output).toMatchObject({
      sensitive: true,
      value: ref(byPath(json, "aws_iam_access_key", "instructor/access-key"), "secret"),
    });
  });

  describe("when INSTRUCTOR_USER=off", () => {
    const off = synthPipeline({ INSTRUCTOR_USER: "off" });

    it("creates no user, key, group, group policy or membership", () => {
      // Act
      const found = [
        "aws_iam_user",
        "aws_iam_access_key",
        "aws_iam_group",
        "aws_iam_group_policy",
        "aws_iam_user_group_membership",
        "aws_iam_user_policy",
      ].flatMap((type) => allOf(off, type));

      // Assert
      expect(found).toEqual([]);
    });

    it("still declares the three instructor outputs, with empty values", () => {
      // Act
      const values = [
        "instructor_iam_username",
        "instructor_access_key_id",
        "instructor_secret_access_key",
      ].map((name) => off.output[name]?.value);

      // Assert
      expect(values).toEqual(["", "", ""]);
    });
  });
});

describe("renderInstructorPolicy", () => {
  const dir = mkdtempSync(join(tmpdir(), "instructor-policy-"));
  const values = Object.fromEntries(
    INSTRUCTOR_POLICY_PLACEHOLDERS.map((name) => [name, `<${name}>`])
  ) as Record<(typeof INSTRUCTOR_POLICY_PLACEHOLDERS)[number], string>;
  const template = (statement: object) => {
    const file = join(dir, `policy-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify({ Version: "2012-10-17", Statement: [statement] }));

    return file;
  };

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("replaces placeholders inside longer strings", () => {
    // Arrange
    const file = template({
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: "${uploads_bucket_arn}/*",
    });

    // Act
    const policy = JSON.parse(renderInstructorPolicy(values, file));

    // Assert
    expect(policy.Statement[0].Resource).toBe("<uploads_bucket_arn>/*");
  });

  it("keeps IAM policy variables, escaped for Terraform", () => {
    // Arrange
    const file = template({
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: "${uploads_bucket_arn}/${aws:username}/*",
    });

    // Act
    const policy = JSON.parse(renderInstructorPolicy(values, file));

    // Assert
    expect(policy.Statement[0].Resource).toBe("<uploads_bucket_arn>/$${aws:username}/*");
  });

  it("rejects an unknown placeholder, naming it and the known ones", () => {
    // Arrange
    const file = template({
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: "${upload_bucket_arn}/*",
    });

    // Act
    const render = () => renderInstructorPolicy(values, file);

    // Assert
    expect(render).toThrow(PolicyTemplateError);
    expect(render).toThrow(
      /unknown placeholder \$\{upload_bucket_arn\}; use one of uploads_bucket_arn/
    );
  });

  it("rejects an unclosed ${", () => {
    // Arrange
    const file = template({
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: "${uploads_bucket_arn/*",
    });

    // Act
    const render = () => renderInstructorPolicy(values, file);

    // Assert
    expect(render).toThrow(/without its closing brace/);
  });

  it.each(["s3:PutObject", "s3:*", "*", "dynamodb:DeleteItem", "lambda:InvokeFunction"])(
    "refuses to allow the write or wildcard action %s",
    (action) => {
      // Arrange
      const file = template({ Effect: "Allow", Action: [action], Resource: "*" });

      // Act
      const render = () => renderInstructorPolicy(values, file);

      // Assert
      expect(render).toThrow(/the instructor may only use explicit Get\*, List\*/);
    }
  );

  it("names the file when it is not JSON", () => {
    // Arrange
    const file = join(dir, "broken.json");
    writeFileSync(file, "{ not json");

    // Act
    const render = () => renderInstructorPolicy(values, file);

    // Assert
    expect(render).toThrow(`cannot read the instructor policy ${file} as JSON`);
  });
});
