/**
 * A connection that the service never answers, with the functions' timeout
 * (3 s) shorter than the handlers' SDK request timeout (5 s by default), so
 * the call hangs until Lambda ends the invocation at the function timeout;
 * Lambda's retry then finishes the job. The retry waits 5.5 s: longer than
 * the processor's lease margin (5 s), as Lambda's real first retry (about a
 * minute) is.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import sharp from "sharp";

import { runScenarioInChild, ScenarioRun } from "./support/scenario-child";

describe("a held connection", () => {
  let run: ScenarioRun;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "held-inputs-"));
    const file = join(dir, "photo.jpg");
    writeFileSync(
      file,
      await sharp({ create: { width: 320, height: 240, channels: 3, background: "#406080" } })
        .jpeg()
        .toBuffer(),
    );
    run = await runScenarioInChild("held-connection", {
      functionTimeoutSeconds: 3,
      retryDelayMs: 5_500,
      faults: [
        {
          kind: "timeout",
          service: "s3",
          operations: ["PutObject"],
          resourceIncludes: "-thumbnails/slow-store/",
          maxPerCall: 1,
        },
        {
          kind: "timeout",
          service: "s3",
          operations: ["GetObject"],
          resourceIncludes: "-uploads/slow-read/",
          maxPerCall: 1,
        },
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
});
