import type { InvocationResult } from "./function-host";

/** An invocation that failed, as a retry policy sees it. */
export type FailedInvocation = Extract<InvocationResult, { readonly ok: false }>;

/** Milliseconds to wait before retry `retry` (1-based), given how the last try failed. */
export type RetryDelay = (retry: number, failure: FailedInvocation) => number;

/** Lambda's own wait before retry n of an asynchronous invocation: about n minutes. */
export const LAMBDA_RETRY_STEP_MS = 60_000;

/** Local mode's wait before retry n after an ordinary error: n times this. */
export const QUICK_RETRY_STEP_MS = 100;

/** Added to the function's timeout when a retry must wait out work another try may hold. */
export const HELD_WORK_MARGIN_MS = 10_000;

/**
 * Failures after which another try of the function may still hold the work:
 * the runtime's timeout (the killed try held whatever it had claimed), and the
 * image processor's answer when it finds its job held by another try.
 */
export const HELD_WORK_ERROR_TYPES: ReadonlySet<string> = new Set([
  "Sandbox.Timedout",
  "JobInProgressError",
]);

/**
 * Local mode's retry delays for a function with the given timeout. Lambda
 * waits about one minute before the first retry and two before the second;
 * local mode waits 100 ms times n instead, so a run with faults stays quick.
 * That is safe when the failed try let go of its work, but not after a
 * timeout: the killed try can no longer give back what it claimed (a job's
 * lease, for the processor), and a retry 100 ms later would find it still
 * held. So after a timeout, and after an answer saying that another try holds
 * the work, the retry waits the function's timeout plus 10 s: the holder has
 * finished or been killed within one timeout of its start, and the margin
 * covers the few seconds a lease may add for clock skew. The wait never
 * exceeds Lambda's own, so local mode retries no later than Lambda would and
 * a function whose leases outlast Lambda's retries fails here as it would there.
 */
export function localRetryDelay(timeoutSeconds: number): RetryDelay {
  const heldWorkMs = timeoutSeconds * 1000 + HELD_WORK_MARGIN_MS;

  return (retry, failure) =>
    HELD_WORK_ERROR_TYPES.has(failure.errorType)
      ? Math.min(heldWorkMs, LAMBDA_RETRY_STEP_MS * retry)
      : QUICK_RETRY_STEP_MS * retry;
}
