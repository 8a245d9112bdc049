import { AsyncInvoker, FailedInvocationRecord } from "../../local/async-invoker";
import type { InvocationResult } from "../../local/function-host";
import { FailedInvocation, localRetryDelay } from "../../local/retry-delay";

const failure = (errorType: string): FailedInvocation => ({
  ok: false,
  errorType,
  errorMessage: `${errorType} happened`,
});

/** A function host that answers each invocation with the next scripted result. */
function scriptedHost(results: InvocationResult[]) {
  const events: unknown[] = [];

  return {
    events,
    invoke: async (event: unknown): Promise<InvocationResult> => {
      events.push(event);

      return results.shift() ?? failure("Script.Exhausted");
    },
  };
}

describe("localRetryDelay", () => {
  it("waits 100 ms times n after an ordinary error", () => {
    // Arrange
    const delay = localRetryDelay(30);

    // Act
    const waits = [1, 2].map((retry) => delay(retry, failure("RetryableBatchError")));

    // Assert
    expect(waits).toEqual([100, 200]);
  });

  it.each(["Sandbox.Timedout", "JobInProgressError"])(
    "waits the function's timeout plus 10 s after %s, so a held lease has run out",
    (errorType) => {
      // Arrange
      const delay = localRetryDelay(30);

      // Act
      const waits = [1, 2].map((retry) => delay(retry, failure(errorType)));

      // Assert
      expect(waits).toEqual([40_000, 40_000]);
    },
  );

  it("never waits longer than Lambda would, about n minutes before retry n", () => {
    // Arrange
    const delay = localRetryDelay(900);

    // Act
    const waits = [1, 2].map((retry) => delay(retry, failure("Sandbox.Timedout")));

    // Assert
    expect(waits).toEqual([60_000, 120_000]);
  });
});

describe("AsyncInvoker", () => {
  it("gives the retry delay how the last try failed, and retries after it", async () => {
    // Arrange
    const host = scriptedHost([
      failure("Sandbox.Timedout"),
      failure("RetryableBatchError"),
      { ok: true, result: null },
    ]);
    const asked: [number, FailedInvocation][] = [];
    const invoker = new AsyncInvoker(host, {
      functionArn: "arn:aws:lambda:us-east-1:000000000000:function:f",
      maximumRetryAttempts: 2,
      retryDelayMs: (retry, last) => {
        asked.push([retry, last]);

        return 0;
      },
    });

    // Act
    const outcome = await invoker.invoke({ Records: [] });

    // Assert
    expect(outcome).toMatchObject({ attempts: 3, result: { ok: true }, sentToDestination: false });
    expect(asked.map(([retry, last]) => [retry, last.errorType])).toEqual([
      [1, "Sandbox.Timedout"],
      [2, "RetryableBatchError"],
    ]);
  });

  it("hands the event to the on-failure destination when every try failed", async () => {
    // Arrange
    const host = scriptedHost([
      failure("JobInProgressError"),
      failure("JobInProgressError"),
      failure("JobInProgressError"),
    ]);
    const sent: FailedInvocationRecord[] = [];
    const invoker = new AsyncInvoker(host, {
      functionArn: "arn:aws:lambda:us-east-1:000000000000:function:f",
      maximumRetryAttempts: 2,
      retryDelayMs: () => 0,
      onFailure: async (record) => {
        sent.push(record);
      },
    });

    // Act
    const outcome = await invoker.invoke({ Records: ["one"] });

    // Assert
    expect(outcome).toMatchObject({ attempts: 3, sentToDestination: true });
    expect(host.events).toHaveLength(3);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      requestContext: { condition: "RetriesExhausted", approximateInvokeCount: 3 },
      requestPayload: { Records: ["one"] },
      responsePayload: { errorType: "JobInProgressError" },
    });
  });
});
