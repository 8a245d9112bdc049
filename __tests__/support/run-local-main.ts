import { spawn } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");

/** How one run of `local/main.ts` ended. */
export interface LocalMainRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `local/main.ts` (what `npm start` runs) with `args` from the repository root and waits for it. */
export function runLocalMain(args: readonly string[]): Promise<LocalMainRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", "local/main.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: "true", CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}
