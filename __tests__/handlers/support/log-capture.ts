/** One structured log line as the Powertools logger writes it. */
export type LogLine = Record<string, unknown> & { level: string; message: string };

/**
 * Captures the JSON lines the Powertools logger writes to stdout and stderr
 * while it is active (and keeps them out of the test output).
 */
export class LogCapture {
  readonly lines: LogLine[] = [];
  private readonly spies: jest.SpyInstance[] = [];

  /** Starts capturing. */
  start(): this {
    for (const stream of [process.stdout, process.stderr]) {
      const spy = jest.spyOn(stream, "write").mockImplementation((chunk: unknown) => {
        for (const text of String(chunk).split("\n")) {
          this.parse(text);
        }

        return true;
      });
      this.spies.push(spy);
    }

    return this;
  }

  /** Stops capturing and restores the streams. */
  stop(): void {
    for (const spy of this.spies.splice(0)) {
      spy.mockRestore();
    }
  }

  /** The lines whose message is `message`. */
  withMessage(message: string): LogLine[] {
    return this.lines.filter((line) => line.message === message);
  }

  /** The lines of the given job. */
  ofJob(jobId: string): LogLine[] {
    return this.lines.filter((line) => line.jobId === jobId);
  }

  private parse(text: string): void {
    if (!text.trim().startsWith("{")) {
      return;
    }
    try {
      const value = JSON.parse(text) as LogLine;
      if (typeof value.level === "string" && typeof value.message === "string") {
        this.lines.push(value);
      }
    } catch {
      // Not one of the logger's lines; other output is ignored.
    }
  }
}
