import { address, allOf, byPath, ref, synthPipeline } from "./synth-helper";

describe("wiring", () => {
  const json = synthPipeline();
  const uploads = byPath(json, "aws_s3_bucket", "uploads/bucket");
  const topic = byPath(json, "aws_sns_topic", "events/topic");
  const processor = byPath(json, "aws_lambda_function", "image-processor/function");
  const logger = byPath(json, "aws_lambda_function", "analytics-logger/function");
  const s3Permission = byPath(json, "aws_lambda_permission", "upload-trigger/permission");
  const snsPermission = byPath(json, "aws_lambda_permission", "events-subscription/permission");
  const notification = byPath(json, "aws_s3_bucket_notification", "upload-trigger/notification");

  it("notifies the processor of every object created in the uploads bucket, and of nothing else", () => {
    // Act
    const notifications = allOf(json, "aws_s3_bucket_notification");

    // Assert
    expect(notifications).toHaveLength(1);
    expect(notification.block.bucket).toBe(ref(uploads, "bucket"));
    expect(notification.block.lambda_function).toEqual([
      { lambda_function_arn: ref(processor, "arn"), events: ["s3:ObjectCreated:*"] },
    ]);
  });

  it("I1: creates the S3 notification only after the Lambda permission for S3", () => {
    // Act
    const dependsOn = notification.block.depends_on;

    // Assert
    expect(dependsOn).toEqual([address(s3Permission)]);
  });

  it("I4: lets S3 invoke the processor only for the uploads bucket of this account", () => {
    // Arrange
    const caller = byPath(json, "data.aws_caller_identity", "caller");

    // Act
    const { block } = s3Permission;

    // Assert
    expect(block).toMatchObject({
      action: "lambda:InvokeFunction",
      function_name: ref(processor, "function_name"),
      principal: "s3.amazonaws.com",
      source_arn: ref(uploads, "arn"),
      source_account: ref(caller, "account_id"),
    });
  });

  it("subscribes the logger to the events topic", () => {
    // Act
    const subscriptions = allOf(json, "aws_sns_topic_subscription");

    // Assert
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0].block).toMatchObject({
      topic_arn: ref(topic, "arn"),
      protocol: "lambda",
      endpoint: ref(logger, "arn"),
    });
  });

  it("I3: lets SNS invoke the logger, for the events topic only", () => {
    // Act
    const { block } = snsPermission;

    // Assert
    expect(block).toMatchObject({
      action: "lambda:InvokeFunction",
      function_name: ref(logger, "function_name"),
      principal: "sns.amazonaws.com",
      source_arn: ref(topic, "arn"),
    });
  });

  it("grants invoke permissions to exactly these two services", () => {
    // Act
    const principals = allOf(json, "aws_lambda_permission").map((found) => found.block.principal);

    // Assert
    expect(principals.sort()).toEqual(["s3.amazonaws.com", "sns.amazonaws.com"]);
  });
});
