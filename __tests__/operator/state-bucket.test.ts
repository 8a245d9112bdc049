/**
 * The bootstrap stack: the Terraform state bucket, its settings, and the
 * outputs that point the pipeline stack's S3 backend at it. Synthesized
 * in-process; `STACK=bootstrap` is also run through main.ts as cdktf runs it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError } from "../../stacks/errors";
import { buildStateBucketApp } from "../../stacks/state-bucket-app";
import { loadStateBucketConfig } from "../../stacks/state-bucket-config";
import {
  allOf,
  byPath,
  policyOf,
  ref,
  synthPipeline,
  type TerraformJson,
} from "../stacks/synth-helper";

const ROOT = resolve(__dirname, "..", "..");

function synthStateStack(env: Record<string, string> = {}): TerraformJson {
  const outdir = mkdtempSync(join(tmpdir(), "state-synth-"));
  try {
    const config = loadStateBucketConfig(env);
    buildStateBucketApp(config, { outdir }).app.synth();

    return JSON.parse(
      readFileSync(join(outdir, "stacks", config.stackName, "cdk.tf.json"), "utf8")
    ) as TerraformJson;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe("state bucket stack", () => {
  const json = synthStateStack();
  const bucket = byPath(json, "aws_s3_bucket", "state/bucket");

  it("names the bucket after the stage's pipeline stack and the account", () => {
    // Assert
    expect(bucket.block.bucket).toBe(
      "activity4-image-pipeline-dev-state-${data.aws_caller_identity.caller.account_id}"
    );
    expect(json.provider.aws[0].region).toBe("ap-south-1");
  });

  it("versions the bucket and expires noncurrent state versions", () => {
    // Act
    const versioning = byPath(json, "aws_s3_bucket_versioning", "state/versioning");
    const lifecycle = byPath(json, "aws_s3_bucket_lifecycle_configuration", "state/lifecycle");

    // Assert
    expect(versioning.block.versioning_configuration).toEqual({ status: "Enabled" });
    expect(lifecycle.block.rule).toContainEqual({
      id: "expire-noncurrent-state",
      status: "Enabled",
      filter: [{ prefix: "" }],
      noncurrent_version_expiration: [{ noncurrent_days: 90 }],
    });
  });

  it("encrypts, blocks all public access and enforces bucket ownership", () => {
    // Act
    const encryption = byPath(
      json,
      "aws_s3_bucket_server_side_encryption_configuration",
      "state/encryption"
    );
    const block = byPath(json, "aws_s3_bucket_public_access_block", "state/public-access-block");
    const ownership = byPath(json, "aws_s3_bucket_ownership_controls", "state/ownership");

    // Assert
    expect(encryption.block.rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
    expect(block.block).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(ownership.block.rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
  });

  it("denies every request without TLS", () => {
    // Act
    const policy = policyOf(byPath(json, "aws_s3_bucket_policy", "state/policy"));

    // Assert
    expect(policy.Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: [ref(bucket, "arn"), `${ref(bucket, "arn")}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("refuses destroy and never force-deletes state", () => {
    // Assert
    expect(bucket.block.force_destroy).toBe(false);
    expect(bucket.block.lifecycle).toEqual({ prevent_destroy: true });
    expect(
      synthStateStack({ STATE_BUCKET_PREVENT_DESTROY: "off" }).resource.aws_s3_bucket
    ).not.toHaveProperty([bucket.key, "lifecycle"]);
  });

  it("keeps its own state locally, since it cannot live in the bucket it creates", () => {
    // Assert
    expect(json.terraform.backend).toEqual({
      local: { path: "../../../terraform.tfstate.d/activity4-image-pipeline-dev-state.tfstate" },
    });
  });

  it("follows STAGE, TF_STATE_REGION and STATE_NONCURRENT_DAYS", () => {
    // Act
    const prod = synthStateStack({
      STAGE: "prod",
      TF_STATE_BUCKET: "acme-prod-terraform-state",
      TF_STATE_REGION: "eu-west-1",
      STATE_NONCURRENT_DAYS: "30",
    });

    // Assert
    const prodBucket = allOf(prod, "aws_s3_bucket")[0];
    expect(prodBucket.block.bucket).toBe("acme-prod-terraform-state");
    expect(prod.provider.aws[0].region).toBe("eu-west-1");
    expect(prod.provider.aws[0].default_tags[0].tags.Stage).toBe("prod");
    expect(prod.data ?? {}).not.toHaveProperty("aws_caller_identity");
    expect(JSON.stringify(prod.resource.aws_s3_bucket_lifecycle_configuration)).toContain(
      '"noncurrent_days":30'
    );
  });

  it("outputs the settings that point the pipeline stack's S3 backend at the bucket", () => {
    // Arrange
    const named = synthStateStack({ TF_STATE_BUCKET: "acme-terraform-state" });
    const stateBucket = allOf(named, "aws_s3_bucket")[0];
    // What Terraform does at apply: the reference becomes the bucket's name.
    const value = (name: string): string =>
      (named.output[name].value as string).replace(
        ref(stateBucket, "bucket"),
        stateBucket.block.bucket
      );
    const exported = Object.fromEntries(
      value("backend_environment")
        .split(" ")
        .map((pair) => pair.split("=") as [string, string])
    );

    // Act
    const pipeline = synthPipeline(exported);

    // Assert
    expect(exported).toEqual({
      TF_STATE_BUCKET: value("tf_state_bucket"),
      TF_STATE_REGION: value("tf_state_region"),
    });
    expect(pipeline.terraform.backend).toEqual({
      s3: {
        bucket: "acme-terraform-state",
        key: value("tf_state_key"),
        region: "ap-south-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  it("rejects a bad STATE_NONCURRENT_DAYS, naming the variable", () => {
    // Act
    const attempt = () => loadStateBucketConfig({ STATE_NONCURRENT_DAYS: "0" });

    // Assert
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^STATE_NONCURRENT_DAYS: "0"/);
  });

  it("is what main.ts synthesizes with STACK=bootstrap, and main.ts rejects an unknown STACK", () => {
    // Arrange
    const outdir = mkdtempSync(join(tmpdir(), "state-main-"));
    const run = (stack: string) =>
      spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
        cwd: ROOT,
        env: { ...process.env, STACK: stack, STAGE: "dev", CDKTF_OUTDIR: outdir },
        encoding: "utf8",
      });

    try {
      // Act
      const bootstrap = run("bootstrap");
      const unknown = run("bogus");

      // Assert
      expect(bootstrap.status).toBe(0);
      expect(
        existsSync(join(outdir, "stacks", "activity4-image-pipeline-dev-state", "cdk.tf.json"))
      ).toBe(true);
      expect(existsSync(join(outdir, "stacks", "activity4-image-pipeline-dev"))).toBe(false);
      expect(unknown.status).not.toBe(0);
      expect(unknown.stderr).toContain(
        'STACK: "bogus" must be pipeline (the default) or bootstrap'
      );
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
