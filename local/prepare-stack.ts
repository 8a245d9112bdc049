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

/** Tries once to take the lock folder; a lock left by a process that is gone is taken over. */
function tryLock(lockDir: string): boolean {
  const ownerFile = join(lockDir, "pid");
  try {
    mkdirSync(lockDir);
    writeFileSync(ownerFile, String(process.pid));

    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const owner = Number(existsSync(ownerFile) ? readFileSync(ownerFile, "utf8") : NaN);
    if (Number.isInteger(owner) && !processAlive(owner)) rmSync(lockDir, { recursive: true, force: true });

    return false;
  }
}

const LOCK_PATIENCE_MS = 10 * 60_000;

function lockTimeout(lockDir: string): StackPreparationError {
  return new StackPreparationError(`another local run has held ${lockDir} for 10 minutes; remove it if none runs`);
}

/**
 * Runs `work` while holding a lock folder, so that two local runs started
 * together do not rebuild dist/ and cdktf.out/ while the other reads them.
 */
function withBuildLock<T>(lockDir: string, work: () => T): T {
  const waitUntil = Date.now() + LOCK_PATIENCE_MS;
  while (!tryLock(lockDir)) {
    if (Date.now() > waitUntil) throw lockTimeout(lockDir);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
  try {
    return work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** {@link withBuildLock} for work that is asynchronous; waits without blocking. */
async function withBuildLockAsync<T>(lockDir: string, work: () => Promise<T>): Promise<T> {
  const waitUntil = Date.now() + LOCK_PATIENCE_MS;
  while (!tryLock(lockDir)) {
    if (Date.now() > waitUntil) throw lockTimeout(lockDir);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  try {
    return await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function lockDirOf(root: string): string {
  mkdirSync(join(root, "dist"), { recursive: true });

  return join(root, "dist", ".local-build.lock");
}

/**
 * Bundles the handlers for this machine's architecture and synthesizes the
 * local stage, as `npm run build` and `npm run synth` do, and returns the
 * path of its `cdk.tf.json`.
 */
export function prepareLocalStack(root: string): string {
  return withBuildLock(lockDirOf(root), () => buildAndSynth(root));
}

/**
 * Holds the build lock while the stack is prepared (unless `stackJson` names
 * one already synthesized) and while `use` reads it and copies the functions'
 * code, so a run started at the same time cannot rebuild them underneath.
 */
export function withLocalStack<T>(
  root: string,
  stackJson: string | undefined,
  use: (stackJsonPath: string) => Promise<T>,
): Promise<T> {
  return withBuildLockAsync(lockDirOf(root), () => use(stackJson ?? buildAndSynth(root)));
}

function buildAndSynth(root: string): string {
  const env = { ...process.env, STAGE: LOCAL_STAGE, CHECKPOINT_DISABLE: "1" };
  run("scripts/build-handlers.ts", env, root);
  // The synth script prints the path of the cdk.tf.json it wrote, relative to its cwd.
  const printed = run("scripts/synth.ts", env, root).trim().split("\n").pop() ?? "";
  const path = resolve(root, printed);
  if (!printed.endsWith("cdk.tf.json") || !existsSync(path)) {
    throw new StackPreparationError(`synthesis did not name a cdk.tf.json it wrote (it printed "${printed}")`);
  }

  return path;
}
