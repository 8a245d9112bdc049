import { actionMatches, isPublicPrincipal, statementsOf } from "../support/iam-statements";
import type { PolicyRule } from "../support/policy-rule";
import { many, single, StackIndex, StackResource } from "../support/stack-index";

const BUCKET = ["aws_s3_bucket"];

function accessBlock(bucket: StackResource, stack: StackIndex): StackResource | undefined {
  return stack.referencing("aws_s3_bucket_public_access_block", "bucket", bucket)[0];
}

function bucketStatements(bucket: StackResource, stack: StackIndex) {
  return stack
    .referencing("aws_s3_bucket_policy", "bucket", bucket)
    .flatMap((policy) => statementsOf(policy.config.policy));
}

/** Whether an IAM resource pattern (`arn:...:b/*`) covers a resource, case-sensitively. */
function resourceMatches(pattern: string, resource: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");

  return new RegExp(`^${regex}$`).test(resource);
}

/** The values a condition block tests a key against, whatever the operator. */
function conditionValues(condition: Record<string, unknown> | undefined, key: string): string[] {
  return Object.values(condition ?? {}).flatMap((tests) => {
    const value = (tests as Record<string, unknown> | null)?.[key];
    if (value === undefined) return [];

    return Array.isArray(value) ? value.map(String) : [String(value)];
  });
}

/** Why the bucket's requests are not logged where they can land, or undefined. */
function accessLoggingProblem(bucket: StackResource, stack: StackIndex): string | undefined {
  const logging = stack.referencing("aws_s3_bucket_logging", "bucket", bucket)[0];
  if (!logging) return "no aws_s3_bucket_logging for the bucket";
  const target = stack.referenced(logging.config.target_bucket);
  if (target?.type !== "aws_s3_bucket") return "the target is not a bucket of this stack";
  if (target === bucket) return "the bucket logs into itself";
  if (logging.config.target_grant !== undefined)
    return "target_grant uses ACLs, which a BucketOwnerEnforced target refuses";

  const someLogKey = `\${${target.address}.arn}/${String(logging.config.target_prefix ?? "")}x`;
  const grants = bucketStatements(target, stack).filter(
    (s) =>
      s.Effect === "Allow" &&
      JSON.stringify(s.Principal) === JSON.stringify({ Service: "logging.s3.amazonaws.com" }) &&
      s.Action.some((a) => actionMatches(a, "s3:PutObject")) &&
      s.Resource.some((r) => resourceMatches(r, someLogKey)) &&
      conditionValues(s.Condition, "aws:SourceArn").includes(`\${${bucket.address}.arn}`) &&
      conditionValues(s.Condition, "aws:SourceAccount").length > 0,
  );

  return grants.length > 0
    ? undefined
    : "the log bucket's policy does not let logging.s3.amazonaws.com write its logs " +
        "(under its prefix, with aws:SourceArn and aws:SourceAccount)";
}

function accessBlockFlag(
  id: string,
  flag: string,
  title: string,
  references: string[],
  why: string,
): PolicyRule {
  return {
    id,
    title,
    description: why,
    references,
    resourceTypes: BUCKET,
    check: (bucket, stack) => {
      const block = accessBlock(bucket, stack);
      if (!block) return "the bucket has no aws_s3_bucket_public_access_block";

      return block.config[flag] === true
        ? undefined
        : `${flag} is ${JSON.stringify(block.config[flag])}`;
    },
  };
}

/** Rules for the buckets: public access, ACLs, encryption, versioning, TLS, lifecycle, logging. */
export const S3_RULES: readonly PolicyRule[] = [
  {
    id: "S3_PUBLIC_ACCESS_BLOCK",
    title: "bucket has a public access block",
    description: "Without its own block a bucket depends on the account-level setting alone.",
    references: ["CKV2_AWS_6", "tfsec aws-s3-specify-public-access-block"],
    resourceTypes: BUCKET,
    check: (bucket, stack) =>
      accessBlock(bucket, stack)
        ? undefined
        : "no aws_s3_bucket_public_access_block references the bucket",
  },
  accessBlockFlag(
    "S3_BLOCK_PUBLIC_ACLS",
    "block_public_acls",
    "public ACLs are refused",
    ["CKV_AWS_53", "tfsec aws-s3-block-public-acls"],
    "A PUT with a public ACL must fail, so that no object is made public by its uploader.",
  ),
  accessBlockFlag(
    "S3_IGNORE_PUBLIC_ACLS",
    "ignore_public_acls",
    "public ACLs are ignored",
    ["CKV_AWS_55", "tfsec aws-s3-ignore-public-acls"],
    "Any public ACL that exists anyway grants nothing.",
  ),
  accessBlockFlag(
    "S3_BLOCK_PUBLIC_POLICY",
    "block_public_policy",
    "public bucket policies are refused",
    ["CKV_AWS_54", "tfsec aws-s3-block-public-policy"],
    "No bucket policy may grant access to everyone.",
  ),
  accessBlockFlag(
    "S3_RESTRICT_PUBLIC_BUCKETS",
    "restrict_public_buckets",
    "public policies are restricted",
    ["CKV_AWS_56", "tfsec aws-s3-no-public-buckets"],
    "Even a public policy only lets AWS services and the account in.",
  ),
  {
    id: "S3_ACLS_DISABLED",
    title: "ACLs disabled (BucketOwnerEnforced), no bucket ACL",
    description: "Access is decided by policies alone; objects cannot carry ACLs (case I2).",
    references: ["CKV2_AWS_65", "tfsec aws-s3-no-public-access-with-acl"],
    resourceTypes: BUCKET,
    check: (bucket, stack) => {
      if (stack.referencing("aws_s3_bucket_acl", "bucket", bucket).length > 0)
        return "an aws_s3_bucket_acl is set";
      const ownership = stack.referencing("aws_s3_bucket_ownership_controls", "bucket", bucket)[0];
      const setting = single(ownership?.config.rule)?.object_ownership;

      return setting === "BucketOwnerEnforced"
        ? undefined
        : `object ownership is ${JSON.stringify(setting)}`;
    },
  },
  {
    id: "S3_ENCRYPTION",
    title: "default encryption at rest",
    description: "Every object is encrypted at rest by a bucket default (SSE-S3 or SSE-KMS).",
    references: ["CKV_AWS_19", "tfsec aws-s3-enable-bucket-encryption"],
    resourceTypes: BUCKET,
    check: (bucket, stack) => {
      const config = stack.referencing(
        "aws_s3_bucket_server_side_encryption_configuration",
        "bucket",
        bucket,
      )[0];
      const algorithms = many(config?.config.rule).map(
        (rule) => single(rule.apply_server_side_encryption_by_default)?.sse_algorithm,
      );

      return algorithms.some((a) => ["AES256", "aws:kms", "aws:kms:dsse"].includes(String(a)))
        ? undefined
        : "no default server-side encryption";
    },
  },
  {
    id: "S3_VERSIONING",
    title: "versioning enabled",
    description: "An overwritten or deleted object can be recovered.",
    references: ["CKV_AWS_21", "tfsec aws-s3-enable-versioning"],
    resourceTypes: BUCKET,
    check: (bucket, stack) => {
      const versioning = stack.referencing("aws_s3_bucket_versioning", "bucket", bucket)[0];
      const status = single(versioning?.config.versioning_configuration)?.status;

      return status === "Enabled" ? undefined : "versioning is not enabled";
    },
  },
  {
    id: "S3_TLS_ONLY",
    title: "bucket policy denies requests without TLS",
    description: "A Deny on s3:* for the bucket and its objects when aws:SecureTransport is false.",
    references: ["AWS Security Hub S3.5", "Checkov: S3 bucket policy requires SSL"],
    resourceTypes: BUCKET,
    check: (bucket, stack) => {
      const arn = `\${${bucket.address}.arn}`;
      const denies = bucketStatements(bucket, stack).filter(
        (s) =>
          s.Effect === "Deny" &&
          isPublicPrincipal(s.Principal) &&
          s.Action.some(
            (a) => actionMatches(a, "s3:GetObject") && actionMatches(a, "s3:PutObject"),
          ) &&
          s.Resource.includes(arn) &&
          s.Resource.includes(`${arn}/*`) &&
          JSON.stringify(s.Condition ?? {}) ===
            JSON.stringify({ Bool: { "aws:SecureTransport": "false" } }),
      );

      return denies.length > 0 ? undefined : "no Deny of insecure transport in the bucket policy";
    },
  },
  {
    id: "S3_ABORT_MULTIPART",
    title: "lifecycle aborts incomplete multipart uploads",
    description: "Parts of abandoned uploads are deleted instead of billed forever.",
    references: ["CKV_AWS_300", "CKV2_AWS_61"],
    resourceTypes: BUCKET,
    check: (bucket, stack) => {
      const lifecycle = stack.referencing(
        "aws_s3_bucket_lifecycle_configuration",
        "bucket",
        bucket,
      )[0];
      const aborting = many(lifecycle?.config.rule).filter(
        (rule) =>
          rule.status === "Enabled" &&
          Number(single(rule.abort_incomplete_multipart_upload)?.days_after_initiation) > 0 &&
          (single(rule.filter)?.prefix ?? "") === "",
      );

      return aborting.length > 0
        ? undefined
        : "no enabled rule aborts incomplete multipart uploads of every key";
    },
  },
  {
    id: "S3_ACCESS_LOGGING",
    title: "server access logging, into a log bucket that accepts it",
    description:
      "Requests to the bucket are logged to another bucket of the stack, whose policy lets the " +
      "S3 logging service write under the prefix on behalf of this bucket only (no ACL grants).",
    references: ["CKV_AWS_18", "tfsec aws-s3-enable-bucket-logging"],
    resourceTypes: BUCKET,
    check: accessLoggingProblem,
  },
  {
    id: "S3_NO_PUBLIC_PRINCIPAL",
    title: "no Allow to principal *",
    description: "No bucket policy statement allows an action to everyone.",
    references: ["CKV_AWS_70"],
    resourceTypes: BUCKET,
    check: (bucket, stack) => {
      const open = bucketStatements(bucket, stack).filter(
        (s) => s.Effect === "Allow" && isPublicPrincipal(s.Principal),
      );

      return open.length === 0
        ? undefined
        : `statement(s) ${open.map((s) => s.Sid ?? "?").join(", ")} allow everyone`;
    },
  },
  {
    id: "S3_PUBLIC_READ_ONLY",
    title: "what everyone may do is s3:GetObject on objects",
    description:
      "Where a bucket is public, the public may read objects only: never list, write or change settings.",
    references: ["case I2"],
    resourceTypes: BUCKET,
    check: (bucket, stack) => {
      const objects = `\${${bucket.address}.arn}/*`;
      const wider = bucketStatements(bucket, stack).filter(
        (s) =>
          s.Effect === "Allow" &&
          isPublicPrincipal(s.Principal) &&
          (s.NotAction.length > 0 ||
            s.Action.some((a) => a !== "s3:GetObject") ||
            s.NotResource.length > 0 ||
            s.Resource.some((r) => r !== objects)),
      );

      return wider.length === 0
        ? undefined
        : `statement(s) ${wider.map((s) => s.Sid ?? "?").join(", ")} grant more`;
    },
  },
];
