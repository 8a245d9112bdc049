import { randomUUID } from "node:crypto";

import { FunctionHost, InvocationResult } from "./function-host";
import type { RetryDelay } from "./retry-delay";

/** Where an asynchronous invocation goes once its retries are spent. */
export type FailureDestination = (record: FailedInvocationRecord) => Promise<void>;

/** The record Lambda sends to an on-failure destination. */
export interface FailedInvocationRecord {
  readonly version: "1.0";
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: "RetriesExhausted";
    readonly approximateInvokeCount: number;
  };
  readonly requestPayload: unknown;
  readonly responseContext: { readonly statusCode: 200; readonly functionError: "Unhandled" };
  readonly responsePayload: { readonly errorType: string; readonly errorMessage: string };
}

/** How an asynchronous invocation ended after its retries. */
export interface AsyncOutcome {
  readonly attempts: number;
  readonly result: InvocationResult;
  readonly sentToDestination: boolean;
}

/** Lambda's retry policy for event (asynchronous) invocations of one function. */
export interface AsyncInvokerOptions {
  readonly functionArn: string;
  readonly maximumRetryAttempts: number;
  /**
   * Wait before retry n (1-based), given how the last try failed. Lambda waits
   * about 1 and then 2 minutes; local mode shortens it (see localRetryDelay).
   */
  readonly retryDelayMs: RetryDelay;
  readonly onFailure?: FailureDestination;
}

/**
 * Invokes a function the way S3 and SNS do: asynchronously, retried up to
 * `maximumRetryAttempts` times when the function throws, and handed to the
 * on-failure destination when every attempt failed, so no event is dropped
 * in silence.
 */
export class AsyncInvoker {
  constructor(
    private readonly host: Pick<FunctionHost, "invoke">,
    private readonly options: AsyncInvokerOptions,
  ) {}

  async invoke(event: unknown): Promise<AsyncOutcome> {
    let attempts = 0;
    let result: InvocationResult;
    for (;;) {
      attempts += 1;
      result = await this.host.invoke(event);
      if (result.ok || attempts > this.options.maximumRetryAttempts) break;
      const delayMs = this.options.retryDelayMs(attempts, result);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    if (result.ok || !this.options.onFailure) {
      return { attempts, result, sentToDestination: false };
    }

    await this.options.onFailure({
      version: "1.0",
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: randomUUID(),
        functionArn: `${this.options.functionArn}:$LATEST`,
        condition: "RetriesExhausted",
        approximateInvokeCount: attempts,
      },
      requestPayload: event,
      responseContext: { statusCode: 200, functionError: "Unhandled" },
      responsePayload: { errorType: result.errorType, errorMessage: result.errorMessage },
    });

    return { attempts, result, sentToDestination: true };
  }
}
