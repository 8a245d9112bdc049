import type { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { TerraformOutput, TerraformStack } from "./cdktf";
import { PrivateBucket } from "./constructs/private-bucket";
import { configureStateBackend } from "./state-backend";
import type { StateBucketConfig } from "./state-bucket-config";

/** Names of the bootstrap stack's outputs. */
export const STATE_BUCKET_OUTPUTS = {
  bucket: "tf_state_bucket",
  region: "tf_state_region",
  key: "tf_state_key",
  environment: "backend_environment",
} as const;

/**
 * The bucket that holds the pipeline's Terraform state: private (all public
 * access blocked, ACLs disabled, TLS-only policy), SSE-S3 encrypted,
 * versioned so that a bad apply can be rolled back, with noncurrent versions
 * expiring after a while. Its own state stays local, since it cannot live in
 * the bucket it creates. Locking needs no table: the pipeline's S3 backend
 * writes a lock object next to the state (`use_lockfile`).
 */
export class StateBucketStack extends TerraformStack {
  /** Name of the state bucket. */
  readonly bucketName: string;

  constructor(scope: Construct, config: StateBucketConfig) {
    super(scope, config.stackName);

    configureStateBackend(this, config.stackName, { kind: "local" });
    new AwsProvider(this, "aws", {
      region: config.region,
      defaultTags: [
        {
          tags: {
            Project: "image-pipeline",
            Stage: config.stage,
            Stack: config.stackName,
            ManagedBy: "cdktf",
          },
        },
      ],
    });

    const bucketName =
      config.bucketName ??
      `${config.stackName}-${new DataAwsCallerIdentity(this, "caller").accountId}`;
    const state = new PrivateBucket(this, "state", {
      bucketName,
      versioned: true,
      forceDestroy: false,
      lifecycleRules: [
        {
          id: "expire-noncurrent-state",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: config.noncurrentVersionDays }],
        },
      ],
    });
    if (config.preventDestroy) {
      // PrivateBucket keeps its S3Bucket private; the guard belongs on that resource.
      const bucket = state.node.findChild("bucket") as S3Bucket;
      bucket.lifecycle = { ...bucket.lifecycle, preventDestroy: true };
    }
    this.bucketName = state.bucketName;

    const outputs: Record<keyof typeof STATE_BUCKET_OUTPUTS, [string, string]> = {
      bucket: [state.bucketName, "TF_STATE_BUCKET for the pipeline stack"],
      region: [config.region, "TF_STATE_REGION for the pipeline stack"],
      key: [config.pipelineStateKey, "State object key of the pipeline stack (TF_STATE_KEY)"],
      environment: [
        `TF_STATE_BUCKET=${state.bucketName} TF_STATE_REGION=${config.region}`,
        "Variables to export before synthesizing the pipeline stack",
      ],
    };
    for (const [field, [value, description]] of Object.entries(outputs)) {
      new TerraformOutput(this, STATE_BUCKET_OUTPUTS[field as keyof typeof STATE_BUCKET_OUTPUTS], {
        value,
        description,
        staticId: true,
      });
    }
  }
}
