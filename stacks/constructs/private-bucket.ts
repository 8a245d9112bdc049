import { Construct } from "constructs";
import type { S3BucketLifecycleConfigurationRule } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import type { ITerraformDependable } from "../cdktf";
import { denyInsecureTransport, type PolicyStatement } from "../iam-policy";
import { addBucketBaseline } from "./bucket-baseline";

/** Properties of a {@link PrivateBucket}. */
export interface PrivateBucketProps {
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /** Keep object versions. Default: false. */
  readonly versioned?: boolean;
  /** Lifecycle rules on top of "abort incomplete multipart uploads after 7 days". */
  readonly lifecycleRules?: readonly S3BucketLifecycleConfigurationRule[];
  /** Let `terraform destroy` delete a non-empty bucket. Default: false. */
  readonly forceDestroy?: boolean;
  /** Bucket policy statements after the TLS-only deny, made from the bucket ARN. Default: none. */
  readonly policyStatements?: (bucketArn: string) => readonly PolicyStatement[];
}

/**
 * A bucket nobody outside the account can read: all four public access block
 * settings on, ACLs disabled (BucketOwnerEnforced), SSE-S3 encryption, a
 * policy that denies requests without TLS (plus any statements given, for AWS
 * services), optional versioning and lifecycle.
 */
export class PrivateBucket extends Construct {
  /** Bucket name. */
  readonly bucketName: string;
  /** Bucket ARN (objects are `${bucketArn}/*`). */
  readonly bucketArn: string;
  /** The bucket policy, for resources that must wait until it is in force. */
  readonly policy: ITerraformDependable;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);

    const { bucket, policy } = addBucketBaseline(this, {
      bucketName: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
      allowPublicPolicy: false,
      lifecycleRules: props.lifecycleRules ?? [],
      statements: (arn) => [denyInsecureTransport(arn), ...(props.policyStatements?.(arn) ?? [])],
    });
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.policy = policy;
    if (props.versioned === true) {
      new S3BucketVersioningA(this, "versioning", {
        bucket: bucket.id,
        versioningConfiguration: { status: "Enabled" },
      });
    }
  }
}
