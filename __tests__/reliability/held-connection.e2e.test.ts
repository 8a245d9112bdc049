/**
 * A connection that the service never answers, with the functions' timeout
 * (3 s) shorter than the handlers' SDK request timeout (5 s by default), so
 * the call hangs until Lambda ends the invocation at the function timeout.
 * The killed attempt still holds its job's lease (its deadline plus a
 * margin). With local mode's own retry delay, which after a timeout waits the
 * function's timeout plus 10 s as Lambda's first retry (about a minute) waits
 * past the lease, the retry finds the job free and finishes it. When the
 * retries come while the lease is live, each is refused as in progress and
 * fails, and the event lands on the on-failure queue rather than vanishing.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import sharp from "sharp";

import type { FaultRule } from "../../local/faults/fault-plan";
import { runScenarioInChild, ScenarioRun } from "./support/scenario-child";

async function photoFile(): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), "held-inputs-")), "photo.jpg");
  writeFileSync(
    file,
    await sharp({ create: { width: 320, height: 240, channels: 3, background: "#406080" } })
      .jpeg()
      .toBuffer(),
  );

  return file;
}

function heldOnce(operation: "GetObject" | "PutObject", resourceIncludes: string): FaultRule {
  return {
    kind: "timeout",
    service: "s3",
    operations: [operation],
    resourceIncludes,
    maxPerCall: 1,
  };
}

describe("a held connection", () => {
  let run: ScenarioRun;

  beforeAll(async () => {
    const file = await photoFile();
    run = await runScenarioInChild("held-connection", {
      functionTimeoutSeconds: 3,
      faults: [
        heldOnce("PutObject", "-thumbnails/slow-store/"),
        heldOnce("GetObject", "-uploads/slow-read/"),
      ],
      phases: [
        [
          { key: "slow-store/photo.jpg", file, expect: { status: "SUCCEEDED" } },
          { key: "slow-read/photo.jpg", file, expect: { status: "SUCCEEDED" } },
        ],
      ],
    });
  }, 180_000);

  it("holds one thumbnail write and one download without answering them", () => {
    // Act
    const held = run.report.calls.filter((c) => c.fault === "timeout");

    // Assert
    expect(run.report.faults.injected.timeout).toBe(2);
    expect(held.map((c) => [c.operation, c.status])).toEqual(
      expect.arrayContaining([
        ["PutObject", undefined],
        ["GetObject", undefined],
      ]),
    );
  });

  it("finishes both jobs on Lambda's retry, once each", () => {
    // Assert
    for (const upload of run.report.verdict.uploads) {
      expect(upload).toMatchObject({
        status: "SUCCEEDED",
        processorAttempts: 2,
        jobs: 1,
        messages: 1,
        analyticsDocuments: 1,
        lost: false,
        duplicated: false,
      });
    }
  });

  it("retries a timed-out invocation only after the killed attempt's lease has run out", () => {
    // Act
    const refusals = run.logLines("image-processor").filter((l) => l.message === "in progress");

    // Assert
    expect(refusals).toEqual([]);
    expect(run.report.inventory.jobs.map((job) => job.attempts)).toEqual([2, 2]);
  });
});

describe("a held connection whose retries come while the killed attempt's lease is live", () => {
  let run: ScenarioRun;

  beforeAll(async () => {
    // The lease outlives the timeout by the processor's 5 s margin; two retries 200 ms
    // apart (one on a fresh execution environment) both arrive inside it.
    const file = await photoFile();
    run = await runScenarioInChild("held-lease", {
      functionTimeoutSeconds: 3,
      retryDelayMs: 200,
      faults: [heldOnce("GetObject", "-uploads/slow-read/")],
      phases: [[{ key: "slow-read/photo.jpg", file, expect: { status: "SUCCEEDED" } }]],
    });
  }, 180_000);

  it("fails each refused retry, so the event lands on the on-failure queue instead of vanishing", () => {
    // Act
    const [upload] = run.report.verdict.uploads;
    const [failure] = run.report.inventory.failures;

    // Assert
    expect(upload).toMatchObject({
      status: "ON_FAILURE_QUEUE",
      onFailureQueue: true,
      lost: false,
      processorAttempts: 3,
      messages: 0,
    });
    expect(run.report.inventory.failures).toHaveLength(1);
    expect(failure.record.responsePayload.errorType).toBe("JobInProgressError");
    expect(run.report.inventory.jobs).toEqual([
      expect.objectContaining({ status: "PROCESSING", attempts: 1 }),
    ]);
  });

  it("logs each refused retry once as in progress and once as a retry of the event", () => {
    // Arrange
    const lines = run.logLines("image-processor");

    // Act
    const refusals = lines.filter((l) => l.message === "in progress");
    const retrying = lines.filter((l) => l.message === "retrying the event");

    // Assert
    expect(refusals).toHaveLength(2);
    expect(retrying).toHaveLength(2);
    for (const line of retrying) {
      expect(line).toMatchObject({
        level: "WARN",
        inProgressJobIds: [run.report.verdict.uploads[0].jobId],
      });
    }
  });
});
