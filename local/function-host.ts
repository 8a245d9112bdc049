import { ChildProcess, fork } from "node:child_process";
import { WriteStream } from "node:fs";
import { join } from "node:path";

import type { InitFailedMessage, InvokeReply, InvokeRequest, ReadyMessage } from "./lambda-worker";

/** How one invocation ended, as the Lambda service reports it. */
export type InvocationResult =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly errorType: string; readonly errorMessage: string };

/** What the host needs to know to run one function. */
export interface FunctionHostOptions {
  readonly name: string;
  readonly codeDir: string;
  readonly handler: string;
  readonly timeoutSeconds: number;
  /** The complete environment of the function's processes. */
  readonly environment: Readonly<Record<string, string>>;
  /** Execution environments that may run at once. */
  readonly concurrency: number;
  /** Where the function's log lines go, like its log group. */
  readonly log: WriteStream;
}

interface Environment {
  readonly child: ChildProcess;
  readonly ready: Promise<number>;
}

const WORKER = join(__dirname, "lambda-worker.ts");
const TSX_HOOK = require.resolve("tsx/cjs");

/**
 * Runs a function's bundled code in child processes, each an execution
 * environment that serves one invocation at a time, as Lambda does. An
 * invocation that outlives the function's timeout has its environment killed
 * and fails with `Sandbox.Timedout`; a crash fails it with `Runtime.ExitError`.
 */
export class FunctionHost {
  private readonly idle: Environment[] = [];
  private readonly all = new Set<Environment>();
  private readonly waiting: ((environment: Environment | undefined) => void)[] = [];
  private nextId = 1;
  private stopped = false;
  /** Cold-start durations, one per execution environment started. */
  readonly initDurationsMs: number[] = [];

  constructor(private readonly options: FunctionHostOptions) {}

  /** Invokes the function once and reports how it ended; never throws. */
  async invoke(event: unknown): Promise<InvocationResult> {
    const environment = await this.acquire();
    if (!environment) {
      return { ok: false, errorType: "Local.Stopped", errorMessage: `${this.options.name} was stopped` };
    }
    try {
      await environment.ready;

      return await this.run(environment, event);
    } catch (error) {
      return { ok: false, errorType: "Runtime.InitError", errorMessage: (error as Error).message };
    } finally {
      this.release(environment);
    }
  }

  /** Ends every execution environment. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const waiter of this.waiting.splice(0)) waiter(undefined);
    const exits = [...this.all].map(
      (environment) =>
        new Promise<void>((resolve) => {
          if (environment.child.exitCode !== null || environment.child.signalCode !== null) return resolve();
          environment.child.once("exit", () => resolve());
          environment.child.kill("SIGTERM");
        }),
    );
    await Promise.all(exits);
  }

  /** An execution environment to run in, or none once the host is stopped. */
  private async acquire(): Promise<Environment | undefined> {
    if (this.stopped) return undefined;
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.all.size < this.options.concurrency) return this.start();

    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(environment: Environment): void {
    if (!this.all.has(environment)) {
      const next = this.waiting.shift();
      if (next && !this.stopped) next(this.start());

      return;
    }
    const next = this.waiting.shift();
    if (next) next(environment);
    else this.idle.push(environment);
  }

  private start(): Environment {
    const child = fork(WORKER, [this.options.codeDir, this.options.handler], {
      cwd: this.options.codeDir,
      env: { ...this.options.environment },
      // The worker is TypeScript, loaded through tsx's require hook.
      execArgv: ["--require", TSX_HOOK],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    child.stdout?.pipe(this.options.log, { end: false });
    child.stderr?.pipe(this.options.log, { end: false });
    const ready = new Promise<number>((resolve, reject) => {
      let initError = "";
      const onMessage = (message: ReadyMessage | InitFailedMessage | InvokeReply) => {
        if ("initFailed" in message) initError = `${message.errorType}: ${message.errorMessage}`;
        if ("ready" in message) {
          child.off("message", onMessage);
          this.initDurationsMs.push(message.initMs);
          resolve(message.initMs);
        }
      };
      child.on("message", onMessage);
      child.once("exit", (code) =>
        reject(new Error(initError || `${this.options.name} failed to start (exit code ${code}); see its log`)),
      );
    });
    ready.catch(() => undefined);
    const environment: Environment = { child, ready };
    this.all.add(environment);
    child.once("exit", () => this.all.delete(environment));

    return environment;
  }

  private run(environment: Environment, event: unknown): Promise<InvocationResult> {
    const id = this.nextId++;
    const timeoutMs = this.options.timeoutSeconds * 1000;
    const request: InvokeRequest = { id, event, deadline: Date.now() + timeoutMs };

    return new Promise((resolve) => {
      const { child } = environment;
      const finish = (result: InvocationResult) => {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(result);
      };
      const onMessage = (reply: InvokeReply | ReadyMessage) => {
        if ("id" in reply && reply.id === id) finish(reply);
      };
      const onExit = (code: number | null) =>
        finish({ ok: false, errorType: "Runtime.ExitError", errorMessage: `runtime exited with code ${code}` });
      const timer = setTimeout(() => {
        this.all.delete(environment);
        child.kill("SIGKILL");
        finish({
          ok: false,
          errorType: "Sandbox.Timedout",
          errorMessage: `Task timed out after ${this.options.timeoutSeconds} seconds`,
        });
      }, timeoutMs);
      child.on("message", onMessage);
      child.once("exit", onExit);
      if (!child.connected) {
        onExit(child.exitCode);

        return;
      }
      child.send(request, (error) => {
        if (error) onExit(child.exitCode);
      });
    });
  }
}
