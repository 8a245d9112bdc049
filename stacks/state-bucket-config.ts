import { loadConfig } from "./config";
import { ConfigError } from "./errors";

/**
 * The typed configuration of the bootstrap stack that creates the Terraform
 * state bucket, read by {@link loadStateBucketConfig}.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | STAGE, STACK_NAME | as for the pipeline | the state stack is `<pipeline stack>-state` |
 * | TF_STATE_BUCKET | `<pipeline stack>-state-<account id>` | name of the bucket to create |
 * | TF_STATE_REGION, then PIPELINE_REGION, AWS_REGION | `ap-south-1` | region of the bucket |
 * | STATE_NONCURRENT_DAYS | `90` | days an overwritten state version is kept |
 * | STATE_BUCKET_PREVENT_DESTROY | `on` | refuse `terraform destroy` of the bucket |
 * | LOCALSTACK_ENDPOINT | unset | aim the provider at LocalStack, as for the pipeline |
 */
export interface StateBucketConfig {
  /** Stage the state belongs to. */
  readonly stage: string;
  /** Terraform stack name of the bootstrap stack. */
  readonly stackName: string;
  /** Object key of the pipeline's state in the bucket (TF_STATE_KEY). */
  readonly pipelineStateKey: string;
  /** Region of the bucket. */
  readonly region: string;
  /** Bucket name; undefined derives it from the stack name and the account id. */
  readonly bucketName?: string;
  /** Days after which noncurrent state versions expire. */
  readonly noncurrentVersionDays: number;
  /** Whether Terraform refuses to destroy the bucket. */
  readonly preventDestroy: boolean;
  /** LocalStack edge URL, if the stack targets LocalStack. */
  readonly localstackEndpoint?: string;
}

/**
 * Reads the bootstrap configuration from the same environment as the
 * pipeline's, so that one set of variables (STAGE, TF_STATE_BUCKET,
 * TF_STATE_REGION) names the bucket both when it is created and when the
 * pipeline stack's backend points at it.
 *
 * @throws ConfigError naming the variable and the accepted values
 */
export function loadStateBucketConfig(env: NodeJS.ProcessEnv = process.env): StateBucketConfig {
  const pipeline = loadConfig(env);
  const backend = pipeline.stateBackend;
  const read = (name: string): string | undefined => env[name]?.trim() || undefined;

  const days = read("STATE_NONCURRENT_DAYS") ?? "90";
  const noncurrentVersionDays = /^\d+$/.test(days) ? Number(days) : Number.NaN;
  if (!Number.isSafeInteger(noncurrentVersionDays) || noncurrentVersionDays < 1) {
    throw new ConfigError(
      "STATE_NONCURRENT_DAYS",
      `"${days}" must be a whole number of days, 1 or more`
    );
  }
  const guard = (read("STATE_BUCKET_PREVENT_DESTROY") ?? "on").toLowerCase();
  if (!["on", "off"].includes(guard)) {
    throw new ConfigError("STATE_BUCKET_PREVENT_DESTROY", `"${guard}" must be on or off`);
  }

  return {
    stage: pipeline.stage,
    stackName: `${pipeline.stackName}-state`,
    pipelineStateKey:
      backend.kind === "s3" ? backend.key : `${pipeline.stackName}/terraform.tfstate`,
    region: backend.kind === "s3" ? backend.region : pipeline.region,
    bucketName: backend.kind === "s3" ? backend.bucket : undefined,
    noncurrentVersionDays,
    preventDestroy: guard === "on",
    localstackEndpoint: pipeline.localstackEndpoint,
  };
}
