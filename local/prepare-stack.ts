import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** The stage local mode synthesizes: the host's architecture, names ending in `-local`. */
export const LOCAL_STAGE = "local";

function run(script: string, env: NodeJS.ProcessEnv, root: string): void {
  const result = spawnSync(process.execPath, ["--import", "tsx", script], {
    cwd: root,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (result.status !== 0) {
    throw new Error(`${script} failed (exit code ${result.status}); its errors are printed above`);
  }
}

/**
 * Bundles the handlers for this machine's architecture and synthesizes the
 * local stage, as `npm run build` and `npm run synth` do, and returns the
 * path of its `cdk.tf.json`.
 */
export function prepareLocalStack(root: string): string {
  const env = { ...process.env, STAGE: LOCAL_STAGE, CHECKPOINT_DISABLE: "1" };
  run("scripts/build-handlers.ts", env, root);
  run("scripts/synth.ts", env, root);
  const stackName = process.env.STACK_NAME ?? `activity4-image-pipeline-${LOCAL_STAGE}`;
  const path = join(root, "cdktf.out", "stacks", stackName, "cdk.tf.json");
  if (!existsSync(path)) throw new Error(`synthesis wrote no ${path}`);

  return path;
}
