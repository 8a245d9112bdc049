import type { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { policyDocument, type PolicyStatement } from "../iam-policy";

/** What differs between the buckets of the stack; everything else is the baseline. */
export interface BucketBaselineProps {
  readonly bucketName: string;
  readonly forceDestroy: boolean;
  /** Whether the bucket policy may grant public access (public ACLs stay blocked either way). */
  readonly allowPublicPolicy: boolean;
  /** Lifecycle rules after "abort incomplete multipart uploads after 7 days". */
  readonly lifecycleRules: readonly S3BucketLifecycleConfigurationRule[];
  /** The whole bucket policy, made from the bucket ARN. */
  readonly statements: (bucketArn: string) => readonly PolicyStatement[];
}

/** The resources every bucket of the stack has, for constructs that build on them. */
export interface BucketBaseline {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;
}

/**
 * Adds to `scope` a bucket with the settings all of this stack's buckets
 * share: ACLs disabled (BucketOwnerEnforced), public ACLs blocked, SSE-S3,
 * the incomplete-upload lifecycle rule, and the given policy applied after
 * the public access block.
 */
export function addBucketBaseline(scope: Construct, props: BucketBaselineProps): BucketBaseline {
  const bucket = new S3Bucket(scope, "bucket", {
    bucket: props.bucketName,
    forceDestroy: props.forceDestroy,
  });
  new S3BucketOwnershipControls(scope, "ownership", {
    bucket: bucket.id,
    rule: { objectOwnership: "BucketOwnerEnforced" },
  });
  const publicAccessBlock = new S3BucketPublicAccessBlock(scope, "public-access-block", {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: !props.allowPublicPolicy,
    ignorePublicAcls: true,
    restrictPublicBuckets: !props.allowPublicPolicy,
  });
  new S3BucketServerSideEncryptionConfigurationA(scope, "encryption", {
    bucket: bucket.id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
  });
  new S3BucketLifecycleConfiguration(scope, "lifecycle", {
    bucket: bucket.id,
    rule: [abortIncompleteUploads(), ...props.lifecycleRules],
  });
  const policy = new S3BucketPolicy(scope, "policy", {
    bucket: bucket.id,
    policy: policyDocument([...props.statements(bucket.arn)]),
    // S3 refuses a bucket policy while the same bucket's public access block
    // is being applied (OperationAborted), and a public policy before the
    // block allows it (AccessDenied).
    dependsOn: [publicAccessBlock],
  });

  return { bucket, policy };
}

/** Lifecycle rule that removes the parts of uploads never completed. */
function abortIncompleteUploads(): S3BucketLifecycleConfigurationRule {
  return {
    id: "abort-incomplete-multipart-uploads",
    status: "Enabled",
    filter: [{ prefix: "" }],
    abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
  };
}
