import { pipelineNames } from "../../stacks/resource-names";
import { address, allOf, byPath, policyOf, ref, synthPipeline } from "./synth-helper";

describe("access logs", () => {
  const json = synthPipeline();
  const logBucket = byPath(json, "aws_s3_bucket", "access-logs/bucket");
  const partOf = (type: string, part: string) => {
    const found = byPath(json, type, `access-logs/${part}`);
    expect(found.block.bucket).toBe(ref(logBucket, "id"));

    return found.block;
  };

  it("keeps them in a private bucket named after the stack and the account", () => {
    // Arrange
    const accountId = ref(byPath(json, "data.aws_caller_identity", "caller"), "account_id");

    // Act
    const ownership = partOf("aws_s3_bucket_ownership_controls", "ownership");
    const block = partOf("aws_s3_bucket_public_access_block", "public-access-block");
    const encryption = partOf("aws_s3_bucket_server_side_encryption_configuration", "encryption");

    // Assert
    expect(logBucket.block.bucket).toBe(`activity4-image-pipeline-dev-access-log-${accountId}`);
    expect(ownership.rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    expect(block).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(encryption.rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
  });

  it("logs each pipeline bucket under its own prefix, by event date, once the policy is in", () => {
    // Arrange
    const policy = byPath(json, "aws_s3_bucket_policy", "access-logs/policy");

    // Act
    const loggings = allOf(json, "aws_s3_bucket_logging").map((found) => found.block);

    // Assert
    expect(loggings).toHaveLength(3);
    for (const name of ["uploads", "thumbnails", "analytics"]) {
      const source = byPath(json, "aws_s3_bucket", `${name}/bucket`);
      expect(byPath(json, "aws_s3_bucket_logging", `access-logs/${name}-logging`).block).toEqual({
        "//": expect.anything(),
        bucket: ref(source, "bucket"),
        target_bucket: ref(logBucket, "bucket"),
        target_prefix: `${name}/`,
        target_object_key_format: { partitioned_prefix: { partition_date_source: "EventTime" } },
        depends_on: [address(policy)],
      });
    }
  });

  it("lets the policy deny requests without TLS and let in the logging service per source", () => {
    // Arrange
    const arn = ref(logBucket, "arn");
    const accountId = ref(byPath(json, "data.aws_caller_identity", "caller"), "account_id");
    const delivery = (sid: string, name: string) => ({
      Sid: sid,
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: ["s3:PutObject"],
      Resource: [`${arn}/${name}/*`],
      Condition: {
        ArnEquals: { "aws:SourceArn": ref(byPath(json, "aws_s3_bucket", `${name}/bucket`), "arn") },
        StringEquals: { "aws:SourceAccount": accountId },
      },
    });

    // Act
    const policy = policyOf(byPath(json, "aws_s3_bucket_policy", "access-logs/policy"));

    // Assert
    expect(policy.Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      delivery("DeliverAccessLogsOfUploads", "uploads"),
      delivery("DeliverAccessLogsOfThumbnails", "thumbnails"),
      delivery("DeliverAccessLogsOfAnalytics", "analytics"),
    ]);
  });

  it("expires logs after ACCESS_LOG_EXPIRATION_DAYS (90 by default)", () => {
    // Arrange
    const custom = synthPipeline({ ACCESS_LOG_EXPIRATION_DAYS: "30" });

    // Act
    const rules = partOf("aws_s3_bucket_lifecycle_configuration", "lifecycle").rule;
    const customRules = byPath(
      custom,
      "aws_s3_bucket_lifecycle_configuration",
      "access-logs/lifecycle"
    ).block.rule;

    // Assert
    expect(rules).toContainEqual({
      id: "expire-logs",
      status: "Enabled",
      filter: [{ prefix: "" }],
      expiration: [{ days: 90 }],
    });
    expect(customRules).toContainEqual(expect.objectContaining({ expiration: [{ days: 30 }] }));
  });

  it("does not log the access-log bucket itself, nor version it", () => {
    // Act
    const logged = allOf(json, "aws_s3_bucket_logging").map((found) => found.block.bucket);
    const versioned = allOf(json, "aws_s3_bucket_versioning").map((found) => found.block.bucket);

    // Assert
    expect(logged).not.toContain(ref(logBucket, "bucket"));
    expect(versioned).not.toContain(ref(logBucket, "id"));
  });

  it("leaves out the bucket and every logging setting when ACCESS_LOGGING=off", () => {
    // Act
    const off = synthPipeline({ ACCESS_LOGGING: "off" });

    // Assert
    expect(allOf(off, "aws_s3_bucket")).toHaveLength(3);
    expect(allOf(off, "aws_s3_bucket_logging")).toEqual([]);
  });

  it("keeps every bucket name within S3's 63 characters for the longest stack name", () => {
    // Arrange
    const names = pipelineNames("a".repeat(39), "123456789012");

    // Act
    const lengths = [
      names.uploadsBucket,
      names.thumbnailsBucket,
      names.analyticsBucket,
      names.accessLogBucket,
    ].map((name) => name.length);

    // Assert
    expect(Math.max(...lengths)).toBeLessThanOrEqual(63);
  });
});
