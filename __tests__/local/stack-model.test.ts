import { createAttributeLookup } from "../../local/attribute-lookup";
import { buildStackModel } from "../../local/stack-model";
import { interpolate, parseTerraformJson } from "../../local/terraform-json";

/** A small stack in the shape cdktf synthesizes: one bucket wired to one function. */
function stack(overrides: Record<string, any> = {}): Record<string, any> {
  return {
    provider: { aws: [{ region: "ap-south-1" }] },
    data: {
      archive_file: { code: { type: "zip", source_dir: "${path.module}/../../../dist/x86_64/fn", output_path: "fn.zip" } },
      aws_caller_identity: { me: {} },
    },
    resource: {
      aws_s3_bucket: { uploads: { bucket: "demo-uploads" } },
      aws_dynamodb_table: {
        jobs: { name: "demo-jobs", hash_key: "jobId", attribute: [{ name: "jobId", type: "S" }] },
      },
      aws_lambda_function: {
        fn: {
          function_name: "demo-fn",
          handler: "index.handler",
          runtime: "nodejs22.x",
          timeout: 30,
          memory_size: 512,
          filename: "${data.archive_file.code.output_path}",
          environment: { variables: { TABLE: "${aws_dynamodb_table.jobs.name}", BUCKET_ARN: "${aws_s3_bucket.uploads.arn}" } },
        },
      },
      aws_lambda_permission: {
        s3: {
          function_name: "${aws_lambda_function.fn.function_name}",
          principal: "s3.amazonaws.com",
          source_arn: "${aws_s3_bucket.uploads.arn}",
          source_account: "${data.aws_caller_identity.me.account_id}",
        },
      },
      aws_s3_bucket_notification: {
        n: {
          bucket: "${aws_s3_bucket.uploads.id}",
          lambda_function: [{ lambda_function_arn: "${aws_lambda_function.fn.arn}", events: ["s3:ObjectCreated:*"] }],
        },
      },
      aws_iam_role: { r: {} },
      ...overrides,
    },
    output: { uploads_bucket: { value: "${aws_s3_bucket.uploads.bucket}" } },
  };
}

describe("buildStackModel", () => {
  it("reads buckets, tables, functions and notifications with their settings", () => {
    const model = buildStackModel(parseTerraformJson(stack()), "/repo/cdktf.out/stacks/demo");

    expect(model.region).toBe("ap-south-1");
    expect(model.buckets).toEqual([{ address: "aws_s3_bucket.uploads", name: "demo-uploads" }]);
    expect(model.tables[0]).toMatchObject({ name: "demo-jobs", hashKey: "jobId" });
    expect(model.functions[0]).toMatchObject({
      name: "demo-fn",
      timeoutSeconds: 30,
      memoryMb: 512,
      codeDir: "/repo/dist/x86_64/fn",
    });
    expect(model.notifications[0]).toMatchObject({
      bucketAddress: "aws_s3_bucket.uploads",
      functionAddress: "aws_lambda_function.fn",
      events: ["s3:ObjectCreated:*"],
    });
    expect(model.permissions[0]).toMatchObject({ principal: "s3.amazonaws.com" });
  });

  it("names a resource type it does not know instead of skipping it", () => {
    const json = stack({ aws_sqs_queue_redrive_policy: { x: {} }, aws_cloudfront_distribution: { y: {} } });

    expect(() => buildStackModel(parseTerraformJson(json), "/s")).toThrow(
      /does not know how to run these resource types: aws_sqs_queue_redrive_policy, aws_cloudfront_distribution/,
    );
  });

  it("refuses SNS subscriptions of protocols other than lambda", () => {
    const json = stack({
      aws_sns_topic: { t: { name: "demo-topic" } },
      aws_sns_topic_subscription: { s: { topic_arn: "${aws_sns_topic.t.arn}", protocol: "email", endpoint: "a@b.c" } },
    });

    expect(() => buildStackModel(parseTerraformJson(json), "/s")).toThrow(/not protocol "email"/);
  });

  it("refuses function code that does not come from an archive_file", () => {
    const json = stack();
    json.resource.aws_lambda_function.fn.filename = "/abs/fn.zip";

    expect(() => buildStackModel(parseTerraformJson(json), "/s")).toThrow(/"filename" must reference/);
  });
});

describe("attribute lookup", () => {
  const model = buildStackModel(parseTerraformJson(stack()), "/s");
  const lookup = createAttributeLookup(model, { topicArns: new Map(), queues: new Map() });
  const resolve = (value: string) => interpolate(value, lookup, "test");

  it("resolves names, ARNs and the caller's account as an apply would", () => {
    expect(resolve("${aws_s3_bucket.uploads.bucket}")).toBe("demo-uploads");
    expect(resolve("${aws_s3_bucket.uploads.arn}")).toBe("arn:aws:s3:::demo-uploads");
    expect(resolve("${aws_dynamodb_table.jobs.name}")).toBe("demo-jobs");
    expect(resolve("${aws_lambda_function.fn.arn}")).toBe("arn:aws:lambda:ap-south-1:000000000000:function:demo-fn");
    expect(resolve("acct-${data.aws_caller_identity.me.account_id}")).toBe("acct-000000000000");
  });

  it("names the reference it cannot resolve", () => {
    expect(() => resolve("${aws_s3_bucket.uploads.hosted_zone_id}")).toThrow(/aws_s3_bucket\.uploads\.hosted_zone_id/);
    expect(() => resolve("${aws_s3_bucket.missing.bucket}")).toThrow(/aws_s3_bucket\.missing\.bucket/);
  });

  it("reports Terraform expressions it does not evaluate", () => {
    expect(() => resolve('${jsonencode({a = 1})}')).toThrow(/plain references only/);
  });
});
