import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The stage local mode synthesizes: the host's architecture, names ending in `-local`. */
export const LOCAL_STAGE = "local";

/** Bundling or synthesis failed; its own errors were printed above. */
export class StackPreparationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackPreparationError";
  }
}

/** Runs one of the project's scripts and returns what it printed on stdout. */
function run(script: string, env: NodeJS.ProcessEnv, root: string): string {
  const result = spawnSync(process.execPath, ["--import", "tsx", script], {
    cwd: root,
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (result.status !== 0) {
    throw new StackPreparationError(`${script} failed (exit code ${result.status}); its errors are printed above`);
  }

  return result.stdout;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);

    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `work` while holding a lock folder, so that two local runs started
 * together do not rebuild dist/ and cdktf.out/ under each other. A lock left
 * by a process that is gone is taken over.
 */
function withBuildLock<T>(lockDir: string, work: () => T): T {
  const ownerFile = join(lockDir, "pid");
  const waitUntil = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(ownerFile, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(existsSync(ownerFile) ? readFileSync(ownerFile, "utf8") : NaN);
      if (Number.isInteger(owner) && !processAlive(owner)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > waitUntil) {
        throw new StackPreparationError(`another local run has held ${lockDir} for 10 minutes; remove it if none runs`);
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * Bundles the handlers for this machine's architecture and synthesizes the
 * local stage, as `npm run build` and `npm run synth` do, and returns the
 * path of its `cdk.tf.json`.
 */
export function prepareLocalStack(root: string): string {
  const env = { ...process.env, STAGE: LOCAL_STAGE, CHECKPOINT_DISABLE: "1" };
  mkdirSync(join(root, "dist"), { recursive: true });

  return withBuildLock(join(root, "dist", ".local-build.lock"), () => {
    run("scripts/build-handlers.ts", env, root);
    // The synth script prints the path of the cdk.tf.json it wrote, relative to its cwd.
    const printed = run("scripts/synth.ts", env, root).trim().split("\n").pop() ?? "";
    const path = resolve(root, printed);
    if (!printed.endsWith("cdk.tf.json") || !existsSync(path)) {
      throw new StackPreparationError(`synthesis did not name a cdk.tf.json it wrote (it printed "${printed}")`);
    }

    return path;
  });
}
