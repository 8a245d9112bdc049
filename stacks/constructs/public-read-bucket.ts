import { Construct } from "constructs";
import { denyInsecureTransport } from "../iam-policy";
import { addBucketBaseline } from "./bucket-baseline";
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

    const { bucket } = addBucketBaseline(this, {
      bucketName: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
      allowPublicPolicy: true,
      lifecycleRules: [],
      statements: (arn) => [
        {
          Sid: "PublicReadObjects",
          Effect: "Allow",
          Principal: "*",
          Action: ["s3:GetObject"],
          Resource: [`${arn}/*`],
        },
        denyInsecureTransport(arn),
      ],
    });
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
  }
}
