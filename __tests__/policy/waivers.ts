import type { Waiver } from "./support/waiver-check";

/**
 * Every policy rule this stack fails on purpose, in one place. A waiver
 * covers one rule on one resource (by construct path, the same in every
 * stage); the suite fails when a failure has no waiver, and when a waiver
 * covers nothing (its rule now passes, or its resource is gone).
 */
export const WAIVERS: readonly Waiver[] = [
  {
    rule: "S3_BLOCK_PUBLIC_POLICY",
    resource: "thumbnails/bucket",
    status: "accepted",
    reason:
      "Thumbnails are public by design; their bucket policy grants s3:GetObject to everyone, " +
      "which block_public_policy would refuse to apply.",
  },
  {
    rule: "S3_RESTRICT_PUBLIC_BUCKETS",
    resource: "thumbnails/bucket",
    status: "accepted",
    reason:
      "With restrict_public_buckets on, S3 would ignore the public-read statement and anonymous " +
      "reads of thumbnails would be refused.",
  },
  {
    rule: "S3_NO_PUBLIC_PRINCIPAL",
    resource: "thumbnails/bucket",
    status: "accepted",
    reason:
      "The public-read statement needs principal *; S3_PUBLIC_READ_ONLY checks that it grants " +
      "s3:GetObject on objects and nothing else.",
  },
  {
    rule: "S3_VERSIONING",
    resource: "thumbnails/bucket",
    status: "accepted",
    reason:
      "Thumbnails are derived data: each one can be made again from its upload, and an overwrite " +
      "with the same key is the intended outcome of a new upload.",
  },
  {
    rule: "S3_ACCESS_LOGGING",
    resource: "access-logs/bucket",
    status: "accepted",
    reason:
      "The access-log bucket receives the other buckets' logs; logging it into itself would log " +
      "every log delivery without end, and another log bucket would need a log bucket in turn.",
  },
  {
    rule: "S3_VERSIONING",
    resource: "access-logs/bucket",
    status: "accepted",
    reason:
      "Only the logging service writes there, each delivery under a new unique key, so nothing " +
      "is overwritten; logs expire by lifecycle, and versions would only keep expired logs.",
  },
  ...["image-processor/function", "analytics-logger/function"].map(
    (resource): Waiver => ({
      rule: "LAMBDA_CONCURRENCY_LIMIT",
      resource,
      status: "accepted",
      reason:
        "Reserved concurrency is configurable (PROCESSOR_/LOGGER_RESERVED_CONCURRENCY) and unset " +
        "by default: Lambda refuses a reservation that leaves fewer than 100 unreserved " +
        "executions, which new accounts (quota 10) cannot satisfy.",
    }),
  ),
];
