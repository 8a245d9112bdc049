import { existsSync } from "node:fs";
import { join } from "node:path";

import { buildHandlers } from "../../scripts/lib/handler-build";
import { loadConfig } from "../../stacks/config";
import { measureProcess } from "./measure-process";
import { ROOT, WORK } from "./work-dir";

/** Where the bench builds the handlers; the project's own dist/ is never touched. */
export const BENCH_DIST = join(WORK, "dist");

/** Where the bench synthesizes stacks that local mode runs: BENCH_DIST is `../dist` from here. */
const BENCH_CDKTF_OUT = join(WORK, "cdktf.out");

let built: Promise<void> | undefined;

/** This machine's architecture as the local stage uses it. */
export function hostArchitecture(): "arm64" | "x86_64" {
  return loadConfig({ STAGE: "local" }).architecture;
}

/** The bench's build of one function for this machine. */
export function hostFunctionDir(name: "image-processor" | "analytics-logger"): string {
  return join(BENCH_DIST, hostArchitecture(), name);
}

/** Builds both handlers for this machine once per bench run, with the project's own build code. */
export function ensureHostBuild(): Promise<void> {
  built ??= buildHandlers({ projectRoot: ROOT, arch: hostArchitecture(), outDir: BENCH_DIST }).then(
    () => undefined
  );

  return built;
}

/**
 * Builds the handlers (once) and synthesizes the local stage into the
 * bench's folder, whose function code paths then point at the bench's build.
 * Returns the path of its cdk.tf.json.
 */
export async function prepareBenchLocalStack(): Promise<string> {
  await ensureHostBuild();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STAGE: "local",
    CHECKPOINT_DISABLE: "1",
    TF_CLI_CONFIG_FILE: join(ROOT, "terraform.rc"),
  };
  delete env.STACK_NAME;
  await measureProcess(
    process.execPath,
    ["--import", "tsx", join(ROOT, "bench", "synth", "synth-in-process.ts"), BENCH_CDKTF_OUT],
    { cwd: ROOT, env, sampleMs: 0 }
  );
  const path = join(BENCH_CDKTF_OUT, "stacks", "activity4-image-pipeline-local", "cdk.tf.json");
  if (!existsSync(path)) throw new Error(`the local stage synthesized no ${path}`);

  return path;
}
