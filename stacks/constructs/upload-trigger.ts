import { Construct } from "constructs";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";

/** Properties of an {@link UploadTrigger}. */
export interface UploadTriggerProps {
  /** Name of the bucket whose new objects start the function. */
  readonly bucketName: string;
  /** ARN of that bucket. */
  readonly bucketArn: string;
  /** Account that owns the bucket. */
  readonly accountId: string;
  /** Name of the function to invoke. */
  readonly functionName: string;
  /** ARN of the function to invoke. */
  readonly functionArn: string;
}

/**
 * Invokes a function for every object created in one bucket: a Lambda
 * permission that lets S3 invoke it for that bucket of that account only, then
 * the bucket notification.
 */
export class UploadTrigger extends Construct {
  /** Statement id of the Lambda permission. */
  readonly permissionStatementId: string;

  constructor(scope: Construct, id: string, props: UploadTriggerProps) {
    super(scope, id);

    const permission = new LambdaPermission(this, "permission", {
      statementId: "AllowS3InvokeFromUploads",
      action: "lambda:InvokeFunction",
      functionName: props.functionName,
      principal: "s3.amazonaws.com",
      // Bucket names are global: the account pins the bucket to its owner.
      sourceArn: props.bucketArn,
      sourceAccount: props.accountId,
    });
    new S3BucketNotification(this, "notification", {
      bucket: props.bucketName,
      lambdaFunction: [{ lambdaFunctionArn: props.functionArn, events: ["s3:ObjectCreated:*"] }],
      // S3 test-invokes the destination when the notification is written and
      // fails ("Unable to validate the following destination configurations")
      // unless the permission already exists.
      dependsOn: [permission],
    });
    this.permissionStatementId = permission.statementId;
  }
}
