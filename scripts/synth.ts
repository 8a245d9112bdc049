/**
 * `npm run synth [-- --stage <stage>] [-- --cli]`: synthesizes the pipeline
 * stack into `cdktf.out/stacks/<stack>/cdk.tf.json` and prints that path.
 *
 * By default the app runs in this process, which is what keeps synthesis fast
 * and small: no cdktf CLI, no second Node process. `--cli` runs `cdktf synth`
 * instead, with the same environment. Either way CHECKPOINT_DISABLE=1 and
 * TF_CLI_CONFIG_FILE (the project's `terraform.rc`) are set, so nothing
 * contacts HashiCorp and a missing ~/.terraformrc does not matter.
 * Configuration comes from the environment, see stacks/config.ts.
 */
import { spawnSync } from "node:child_process";
import { join, relative } from "node:path";
import { buildApp } from "../stacks/app";
import { loadConfig } from "../stacks/config";
import { StackError } from "../stacks/errors";
import { parseFlags, runCli, UsageError } from "./lib/cli-args";

const ROOT = join(__dirname, "..");

runCli(() => {
  const flags = parseFlags(process.argv.slice(2), { stage: "value", cli: "switch" });
  if (flags.stage !== undefined) process.env.STAGE = flags.stage;
  process.env.CHECKPOINT_DISABLE = "1";
  process.env.TF_CLI_CONFIG_FILE = join(ROOT, "terraform.rc");
  const config = loadConfig(process.env);
  const outdir = join(ROOT, "cdktf.out");

  if (flags.cli === "true") {
    const result = spawnSync("npx", ["cdktf", "synth", "--output", outdir], {
      cwd: ROOT,
      stdio: "inherit",
    });
    if (result.status !== 0)
      throw new UsageError(`cdktf synth failed (exit ${result.status ?? result.signal})`);
  } else {
    buildApp(config, { outdir }).app.synth();
  }

  const stackFile = join(outdir, "stacks", config.stackName, "cdk.tf.json");
  process.stdout.write(`${relative(process.cwd(), stackFile) || stackFile}\n`);
}, [StackError, UsageError]);
