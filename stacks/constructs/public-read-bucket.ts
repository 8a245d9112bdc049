import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { denyInsecureTransport, policyDocument } from "../iam-policy";
import { abortIncompleteUploads } from "./private-bucket";

/** Properties of a {@link PublicReadBucket}. */
export interface PublicReadBucketProps {
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /** Let `terraform destroy` delete a non-empty bucket. Default: false. */
  readonly forceDestroy?: boolean;
}

/**
 * A bucket whose objects anyone may read, built the way a new AWS account
 * allows it: ACLs stay disabled (BucketOwnerEnforced) and public ACLs stay
 * blocked, so no `aws_s3_bucket_acl` and no object ACL; only the bucket policy
 * may be public, and it grants anonymous `s3:GetObject` on objects, nothing on
 * the bucket itself (no listing).
 */
export class PublicReadBucket extends Construct {
  /** Bucket name. */
  readonly bucketName: string;
  /** Bucket ARN (objects are `${bucketArn}/*`). */
  readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: PublicReadBucketProps) {
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
      ignorePublicAcls: true,
      blockPublicPolicy: false,
      restrictPublicBuckets: false,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: bucket.id,
      rule: [abortIncompleteUploads()],
    });
    new S3BucketPolicy(this, "policy", {
      bucket: bucket.id,
      policy: policyDocument([
        {
          Sid: "PublicReadObjects",
          Effect: "Allow",
          Principal: "*",
          Action: ["s3:GetObject"],
          Resource: [`${bucket.arn}/*`],
        },
        denyInsecureTransport(bucket.arn),
      ]),
      // A new bucket blocks public policies until its public access block says
      // otherwise; a public policy written before that is refused (AccessDenied).
      dependsOn: [publicAccessBlock],
    });
  }
}
