/** How a bounded wait ended. */
export interface PollOutcome<T> {
  /** The first value the probe returned, undefined when the deadline passed first. */
  readonly value?: T;
  /** Time from the start of the wait, in milliseconds. */
  readonly elapsedMs: number;
  /** How many times the probe ran. */
  readonly attempts: number;
  /** The last error the probe threw, kept to explain a timeout. */
  readonly lastError?: unknown;
}

/** Limits of {@link pollUntil}. */
export interface PollOptions {
  /** Give up after this long, in milliseconds. */
  readonly timeoutMs: number;
  /** Pause between two probes, in milliseconds. Default: 500. */
  readonly intervalMs?: number;
}

/**
 * Runs `probe` until it returns a value other than undefined or the time is
 * up. A probe that throws counts as "not yet"; its last error is returned so
 * that a timeout can say why (AccessDenied reads differently from not found).
 * The probe runs at least once, even with a zero timeout.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  options: PollOptions
): Promise<PollOutcome<T>> {
  const started = performance.now();
  const interval = options.intervalMs ?? 500;
  let attempts = 0;
  let lastError: unknown;
  for (;;) {
    attempts += 1;
    try {
      const value = await probe();
      if (value !== undefined) {
        return { value, elapsedMs: performance.now() - started, attempts, lastError };
      }
    } catch (error) {
      lastError = error;
    }
    const elapsedMs = performance.now() - started;
    if (elapsedMs + interval > options.timeoutMs) return { elapsedMs, attempts, lastError };
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
