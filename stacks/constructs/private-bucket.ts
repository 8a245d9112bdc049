import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import type { ITerraformDependable } from "../cdktf";
import { denyInsecureTransport, policyDocument, type PolicyStatement } from "../iam-policy";

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

    const bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
    });
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;

    new S3BucketOwnershipControls(this, "ownership", {
      bucket: bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    const publicAccessBlock = new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    if (props.versioned === true) {
      new S3BucketVersioningA(this, "versioning", {
        bucket: bucket.id,
        versioningConfiguration: { status: "Enabled" },
      });
    }
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: bucket.id,
      rule: [abortIncompleteUploads(), ...(props.lifecycleRules ?? [])],
    });
    this.policy = new S3BucketPolicy(this, "policy", {
      bucket: bucket.id,
      policy: policyDocument([
        denyInsecureTransport(bucket.arn),
        ...(props.policyStatements?.(bucket.arn) ?? []),
      ]),
      // S3 rejects a bucket policy written while the public access block of
      // the same bucket is still being applied (OperationAborted).
      dependsOn: [publicAccessBlock],
    });
  }
}

/** Lifecycle rule that removes the parts of uploads never completed. */
export function abortIncompleteUploads(): S3BucketLifecycleConfigurationRule {
  return {
    id: "abort-incomplete-multipart-uploads",
    status: "Enabled",
    filter: [{ prefix: "" }],
    abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
  };
}
