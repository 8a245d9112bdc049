/**
 * `npm run bootstrap [-- --stage <stage>]`: synthesizes the stack of the
 * Terraform state bucket (see stacks/state-bucket-stack.ts) into
 * `cdktf.out/stacks/<pipeline stack>-state/` and prints how to create the
 * bucket and point the pipeline stack's S3 backend at it. It runs no
 * Terraform command itself.
 */
import { join, relative } from "node:path";
import { StackError } from "../stacks/errors";
import { buildStateBucketApp } from "../stacks/state-bucket-app";
import { loadStateBucketConfig } from "../stacks/state-bucket-config";
import { STATE_BUCKET_OUTPUTS } from "../stacks/state-bucket-stack";
import { parseFlags, runCli, UsageError } from "./lib/cli-args";

const ROOT = join(__dirname, "..");

runCli(() => {
  const flags = parseFlags(process.argv.slice(2), { stage: "value" });
  if (flags.stage !== undefined) process.env.STAGE = flags.stage;
  process.env.CHECKPOINT_DISABLE = "1";
  const config = loadStateBucketConfig(process.env);
  const outdir = join(ROOT, "cdktf.out");
  buildStateBucketApp(config, { outdir }).app.synth();

  const stackDir = relative(process.cwd(), join(outdir, "stacks", config.stackName));
  const name = config.bucketName ?? `${config.stackName}-<account id>`;
  process.stdout.write(
    [
      `${stackDir}/cdk.tf.json`,
      "",
      `State bucket ${name} in ${config.region} for stage ${config.stage}. To create it:`,
      `  cd ${stackDir}`,
      `  TF_CLI_CONFIG_FILE=${join(ROOT, "terraform.rc")} terraform init`,
      `  TF_CLI_CONFIG_FILE=${join(ROOT, "terraform.rc")} terraform apply`,
      "Then, before synthesizing or deploying the pipeline stack:",
      `  export $(terraform output -raw ${STATE_BUCKET_OUTPUTS.environment})`,
      "",
    ].join("\n")
  );
}, [StackError, UsageError]);
