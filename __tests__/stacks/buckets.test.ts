import { address, allOf, byPath, policyOf, ref, synthPipeline } from "./synth-helper";

describe("buckets", () => {
  const json = synthPipeline();
  const caller = byPath(json, "data.aws_caller_identity", "caller");
  const accountId = ref(caller, "account_id");
  const bucketOf = (name: string) => byPath(json, "aws_s3_bucket", `${name}/bucket`);
  const partOf = (type: string, name: string, part: string) => {
    const bucket = bucketOf(name);
    const found = byPath(json, type, `${name}/${part}`);
    expect(found.block.bucket).toBe(ref(bucket, "id"));

    return found.block;
  };
  const tlsOnly = (arn: string) => ({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: ["s3:*"],
    Resource: [arn, `${arn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  });

  it("creates exactly the four buckets, named after the stack and the account", () => {
    // Arrange
    const expected = ["uploads", "thumbnails", "analytics", "access-log"].map(
      (role) => `activity4-image-pipeline-dev-${role}-${accountId}`
    );

    // Act
    const names = allOf(json, "aws_s3_bucket").map((found) => found.block.bucket);

    // Assert
    expect(names.sort()).toEqual(expected.sort());
  });

  it.each(["uploads", "thumbnails", "analytics"])(
    "disables ACLs on the %s bucket (BucketOwnerEnforced)",
    (name) => {
      // Act
      const ownership = partOf("aws_s3_bucket_ownership_controls", name, "ownership");

      // Assert
      expect(ownership.rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    }
  );

  it.each(["uploads", "thumbnails", "analytics"])("encrypts the %s bucket with SSE-S3", (name) => {
    // Act
    const encryption = partOf(
      "aws_s3_bucket_server_side_encryption_configuration",
      name,
      "encryption"
    );

    // Assert
    expect(encryption.rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
  });

  it.each(["uploads", "analytics"])(
    "blocks every kind of public access to the %s bucket",
    (name) => {
      // Act
      const block = partOf("aws_s3_bucket_public_access_block", name, "public-access-block");

      // Assert
      expect(block).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
    }
  );

  it.each(["uploads", "analytics"])(
    "lets the %s bucket policy only deny requests without TLS",
    (name) => {
      // Arrange
      const arn = ref(bucketOf(name), "arn");

      // Act
      const policy = policyOf(byPath(json, "aws_s3_bucket_policy", `${name}/policy`));

      // Assert
      expect(policy).toEqual({ Version: "2012-10-17", Statement: [tlsOnly(arn)] });
    }
  );

  it("versions the uploads bucket and expires old versions after 30 days", () => {
    // Act
    const versioning = partOf("aws_s3_bucket_versioning", "uploads", "versioning");
    const lifecycle = partOf("aws_s3_bucket_lifecycle_configuration", "uploads", "lifecycle");

    // Assert
    expect(versioning.versioning_configuration).toEqual({ status: "Enabled" });
    expect(lifecycle.rule).toContainEqual(
      expect.objectContaining({
        status: "Enabled",
        noncurrent_version_expiration: [{ noncurrent_days: 30 }],
      })
    );
  });

  it.each(["uploads", "thumbnails", "analytics"])(
    "aborts incomplete multipart uploads in the %s bucket",
    (name) => {
      // Act
      const lifecycle = partOf("aws_s3_bucket_lifecycle_configuration", name, "lifecycle");

      // Assert
      expect(lifecycle.rule).toContainEqual({
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: [{ prefix: "" }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      });
    }
  );

  it("expires analytics objects after a year and moves large ones to STANDARD_IA after 30 days", () => {
    // Act
    const lifecycle = partOf("aws_s3_bucket_lifecycle_configuration", "analytics", "lifecycle");

    // Assert
    expect(lifecycle.rule).toEqual(
      expect.arrayContaining([
        {
          id: "expire-events",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: 365 }],
        },
        {
          id: "tier-large-objects",
          status: "Enabled",
          filter: [{ object_size_greater_than: 131072 }],
          transition: [{ days: 30, storage_class: "STANDARD_IA" }],
        },
      ])
    );
  });

  it("takes the analytics lifecycle days from the configuration", () => {
    // Arrange
    const custom = synthPipeline({
      ANALYTICS_TRANSITION_DAYS: "60",
      ANALYTICS_EXPIRATION_DAYS: "730",
    });

    // Act
    const rules = byPath(custom, "aws_s3_bucket_lifecycle_configuration", "analytics/lifecycle")
      .block.rule;

    // Assert
    expect(rules).toContainEqual(expect.objectContaining({ expiration: [{ days: 730 }] }));
    expect(rules).toContainEqual(
      expect.objectContaining({ transition: [{ days: 60, storage_class: "STANDARD_IA" }] })
    );
  });

  it("versions the analytics bucket and expires overwritten or deleted documents after 7 days", () => {
    // Act
    const versioning = partOf("aws_s3_bucket_versioning", "analytics", "versioning");
    const lifecycle = partOf("aws_s3_bucket_lifecycle_configuration", "analytics", "lifecycle");

    // Assert
    expect(versioning.versioning_configuration).toEqual({ status: "Enabled" });
    expect(lifecycle.rule).toContainEqual({
      id: "expire-noncurrent-versions",
      status: "Enabled",
      filter: [{ prefix: "" }],
      noncurrent_version_expiration: [{ noncurrent_days: 7 }],
    });
  });

  it("takes the days analytics versions are kept from ANALYTICS_NONCURRENT_VERSION_DAYS", () => {
    // Arrange
    const custom = synthPipeline({ ANALYTICS_NONCURRENT_VERSION_DAYS: "3" });

    // Act
    const rules = byPath(custom, "aws_s3_bucket_lifecycle_configuration", "analytics/lifecycle")
      .block.rule;

    // Assert
    expect(rules).toContainEqual(
      expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 3 }] })
    );
  });

  it("does not version the thumbnails bucket", () => {
    // Act
    const versioned = allOf(json, "aws_s3_bucket_versioning").map((found) => found.block.bucket);

    // Assert
    expect(versioned.sort()).toEqual(
      [ref(bucketOf("uploads"), "id"), ref(bucketOf("analytics"), "id")].sort()
    );
  });

  describe("I2: the thumbnails bucket is public-read without ACLs", () => {
    const thumbnails = bucketOf("thumbnails");

    it("I2: declares no aws_s3_bucket_acl and no object ACL anywhere", () => {
      // Act
      const text = JSON.stringify(json);

      // Assert
      expect(allOf(json, "aws_s3_bucket_acl")).toEqual([]);
      expect(text).not.toMatch(/public-read|"acl"/);
    });

    it("I2: keeps public ACLs blocked and lets only a bucket policy be public", () => {
      // Act
      const block = partOf(
        "aws_s3_bucket_public_access_block",
        "thumbnails",
        "public-access-block"
      );

      // Assert
      expect(block).toMatchObject({
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: false,
        restrict_public_buckets: false,
      });
    });

    it("I2: grants anonymous s3:GetObject on objects only, and denies requests without TLS", () => {
      // Arrange
      const arn = ref(thumbnails, "arn");

      // Act
      const policy = policyOf(byPath(json, "aws_s3_bucket_policy", "thumbnails/policy"));

      // Assert
      expect(policy.Statement).toEqual([
        {
          Sid: "PublicReadObjects",
          Effect: "Allow",
          Principal: "*",
          Action: ["s3:GetObject"],
          Resource: [`${arn}/*`],
        },
        tlsOnly(arn),
      ]);
    });

    it("I2: applies the bucket policy after the public access block", () => {
      // Arrange
      const block = byPath(
        json,
        "aws_s3_bucket_public_access_block",
        "thumbnails/public-access-block"
      );

      // Act
      const policy = byPath(json, "aws_s3_bucket_policy", "thumbnails/policy");

      // Assert
      expect(policy.block.depends_on).toEqual([address(block)]);
    });
  });

  it("drops the account id from bucket names for the local stage", () => {
    // Act
    const local = synthPipeline({ STAGE: "local" });

    // Assert
    expect(
      allOf(local, "aws_s3_bucket")
        .map((found) => found.block.bucket)
        .sort()
    ).toEqual([
      "activity4-image-pipeline-local-access-log",
      "activity4-image-pipeline-local-analytics",
      "activity4-image-pipeline-local-thumbnails",
      "activity4-image-pipeline-local-uploads",
    ]);
  });

  it("lets terraform destroy empty the buckets unless BUCKET_FORCE_DESTROY is off", () => {
    // Act
    const kept = synthPipeline({ BUCKET_FORCE_DESTROY: "off" });

    // Assert
    expect(allOf(json, "aws_s3_bucket").map((found) => found.block.force_destroy)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(allOf(kept, "aws_s3_bucket").map((found) => found.block.force_destroy)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
