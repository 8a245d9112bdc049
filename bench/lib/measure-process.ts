import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** GNU time, which reports the kernel's exact peak RSS of a process. */
const GNU_TIME = "/usr/bin/time";

/** How to run one measured command. */
export interface MeasureOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Pin the whole process tree to this CPU (taskset), for one-core figures. */
  readonly cpu?: number;
  /** Sample the summed RSS of the process tree this often; 0 turns sampling off. Default 25 ms. */
  readonly sampleMs?: number;
  /** Standard input, if any. */
  readonly input?: string;
  /** Give up after this long. Default 10 minutes. */
  readonly timeoutMs?: number;
}

/** What one run of a command cost. */
export interface ProcessMeasurement {
  /** Wall time from spawn to exit, milliseconds. */
  readonly wallMs: number;
  /** User plus system CPU time of the whole tree (GNU time), milliseconds. */
  readonly cpuMs?: number;
  /** Peak RSS of the largest single process of the tree (kernel figure via GNU time), bytes. */
  readonly maxRssBytes?: number;
  /** Peak of the summed RSS of all processes of the tree (sampled), bytes. */
  readonly treeRssBytes?: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Raised when a measured command fails: its exit code and the end of its output. */
export class MeasuredCommandError extends Error {
  constructor(command: string, detail: string) {
    super(`${command} failed: ${detail}`);
    this.name = "MeasuredCommandError";
  }
}

/** Whether GNU time is installed (peak RSS and CPU time come from it). */
export function hasGnuTime(): boolean {
  return existsSync(GNU_TIME);
}

/** Process ids of `root` and all its descendants, from /proc. */
function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const parent = Number(fields[1]);
    const children = parents.get(parent) ?? [];
    children.push(Number(entry));
    parents.set(parent, children);
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of parents.get(pid) ?? []) visit(child);
  };
  visit(root);

  return tree;
}

function rssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));

    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs a command as a whole process (under GNU time when installed, pinned
 * to one CPU when asked) and reports its wall time, CPU time, the kernel's
 * peak RSS of its largest process and the sampled peak of the summed RSS of
 * its process tree. A non-zero exit is a {@link MeasuredCommandError}.
 */
export function measureProcess(
  command: string,
  args: readonly string[],
  options: MeasureOptions = {}
): Promise<ProcessMeasurement> {
  const reportDir = mkdtempSync(join(tmpdir(), "bench-time-"));
  const report = join(reportDir, "time.txt");
  let argv = [command, ...args];
  if (options.cpu !== undefined) argv = ["taskset", "-c", String(options.cpu), ...argv];
  const timed = hasGnuTime();
  if (timed) argv = [GNU_TIME, "-f", "%e %U %S %M", "-o", report, ...argv];

  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));

    let treePeak = 0;
    const sampleMs = options.sampleMs ?? 25;
    const sampler =
      sampleMs > 0 && child.pid !== undefined
        ? setInterval(() => {
            const sum = processTree(child.pid!).reduce((total, pid) => total + rssBytes(pid), 0);
            if (sum > treePeak) treePeak = sum;
          }, sampleMs)
        : undefined;
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 600_000);

    child.once("error", (error) => {
      clearInterval(sampler);
      clearTimeout(timer);
      rmSync(reportDir, { recursive: true, force: true });
      reject(error);
    });
    child.once("close", (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      clearInterval(sampler);
      clearTimeout(timer);
      let cpuMs: number | undefined;
      let maxRssBytes: number | undefined;
      if (timed && existsSync(report)) {
        const line = readFileSync(report, "utf8").trim().split("\n").pop() ?? "";
        const [, user, system, maxRssKb] = line.split(" ").map(Number);
        if (Number.isFinite(user)) cpuMs = (user + system) * 1000;
        if (Number.isFinite(maxRssKb)) maxRssBytes = maxRssKb * 1024;
      }
      rmSync(reportDir, { recursive: true, force: true });
      const out = Buffer.concat(stdout).toString("utf8");
      const err = Buffer.concat(stderr).toString("utf8");
      if (code !== 0) {
        const tail = (err || out).trim().split("\n").slice(-8).join("\n");
        reject(
          new MeasuredCommandError(
            argv.slice(timed ? 5 : 0).join(" "),
            `exit ${code ?? signal}\n${tail}`
          )
        );
        return;
      }
      resolve({
        wallMs,
        cpuMs,
        maxRssBytes,
        treeRssBytes: sampler ? treePeak || undefined : undefined,
        stdout: out,
        stderr: err,
      });
    });
  });
}
