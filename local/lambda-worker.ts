/**
 * One Lambda execution environment: a child process that loads a bundled
 * handler once (the cold start) and then runs one invocation at a time on
 * request from its parent, as the Lambda runtime does. Its environment is the
 * function's own, set by the parent; its stdout and stderr are the function's
 * log stream.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";

/** Sent by the parent for each invocation. */
export interface InvokeRequest {
  readonly id: number;
  readonly event: unknown;
  readonly deadline: number;
}

/** Sent back to the parent when an invocation ends. */
export type InvokeReply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly errorType: string; readonly errorMessage: string };

/** Sent once, after the handler module has loaded. */
export interface ReadyMessage {
  readonly ready: true;
  readonly initMs: number;
}

/** Sent instead of {@link ReadyMessage} when the module cannot load; the process then exits. */
export interface InitFailedMessage {
  readonly initFailed: true;
  readonly errorType: string;
  readonly errorMessage: string;
}

type Handler = (event: unknown, context: Record<string, unknown>) => Promise<unknown>;

function loadHandler(codeDir: string, handlerSpec: string): Handler {
  const dot = handlerSpec.lastIndexOf(".");
  const modulePath = join(codeDir, `${handlerSpec.slice(0, dot)}.js`);
  const exported = require(modulePath)[handlerSpec.slice(dot + 1)];
  if (typeof exported !== "function") {
    throw new Error(`${modulePath} does not export a function named ${handlerSpec.slice(dot + 1)}`);
  }

  return exported as Handler;
}

function contextFor(request: InvokeRequest): Record<string, unknown> {
  const name = process.env.AWS_LAMBDA_FUNCTION_NAME ?? "function";

  return {
    functionName: name,
    functionVersion: "$LATEST",
    invokedFunctionArn: process.env.LOCAL_FUNCTION_ARN,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: `local/${process.pid}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, request.deadline - Date.now()),
  };
}

/**
 * One JSON log line for an error. A bundle is minified, so Node's own report
 * of an uncaught error would print the whole one-line source file with it.
 */
function logError(message: string, error: Error): void {
  const stack = (error.stack ?? "").split("\n").slice(1, 6).map((line) => line.trim().slice(0, 200));
  process.stderr.write(
    `${JSON.stringify({ level: "ERROR", message, errorType: error.name, errorMessage: error.message, stack })}\n`,
  );
}

function main(): void {
  const [codeDir, handlerSpec] = process.argv.slice(2);
  const send = (message: InvokeReply | ReadyMessage | InitFailedMessage) => process.send?.(message);
  const started = performance.now();
  let handler: Handler;
  try {
    handler = loadHandler(codeDir, handlerSpec);
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    logError("init failed", failure);
    send({ initFailed: true, errorType: failure.name, errorMessage: failure.message });
    process.disconnect?.();

    return;
  }
  send({ ready: true, initMs: performance.now() - started });

  process.on("message", (request: InvokeRequest) => {
    handler(request.event, contextFor(request)).then(
      (result) => send({ id: request.id, ok: true, result: result ?? null }),
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        logError("invocation failed", failure);
        send({ id: request.id, ok: false, errorType: failure.name, errorMessage: failure.message });
      },
    );
  });
  process.on("disconnect", () => process.exit(0));
  // Ctrl-C reaches the whole process group; the parent decides when an
  // execution environment ends, so that a run can write what it has first.
  process.on("SIGINT", () => undefined);
}

main();
