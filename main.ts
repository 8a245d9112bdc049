import { buildApp } from "./stacks/app";
import { loadConfig } from "./stacks/config";
import { ConfigError } from "./stacks/errors";
import { buildStateBucketApp } from "./stacks/state-bucket-app";
import { loadStateBucketConfig } from "./stacks/state-bucket-config";

/**
 * Entry point of `cdktf synth`: one stack for the stage in the environment;
 * with STACK=bootstrap, the stack of its Terraform state bucket instead.
 */
const selected = process.env.STACK?.trim() || "pipeline";
if (selected === "bootstrap") {
  buildStateBucketApp(loadStateBucketConfig(process.env)).app.synth();
} else if (selected === "pipeline") {
  buildApp(loadConfig(process.env)).app.synth();
} else {
  throw new ConfigError("STACK", `"${selected}" must be pipeline (the default) or bootstrap`);
}
