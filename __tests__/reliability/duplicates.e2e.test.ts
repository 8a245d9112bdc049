/**
 * Duplicate delivery (bug case D1) through local mode: the same S3 event,
 * byte for byte, delivered three times one after another and three times at
 * once; and an overwrite of a key with new content, which is a new job. A
 * copy that arrives while another holds the job fails and is retried after
 * the function's timeout plus 10 s (local mode's wait for held work), when
 * the job is done; the timeout is cut to 5 s to keep that wait short.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import sharp from "sharp";

import type { UploadVerdict } from "../../local/faults/verdict";
import { runScenarioInChild, ScenarioRun } from "./support/scenario-child";

async function solidImage(
  path: string,
  width: number,
  height: number,
  colour: string,
): Promise<string> {
  writeFileSync(
    path,
    await sharp({ create: { width, height, channels: 3, background: colour } })
      .jpeg()
      .toBuffer(),
  );

  return path;
}

describe("duplicate deliveries and overwrites", () => {
  let run: ScenarioRun;
  const verdicts = (key: string): UploadVerdict[] =>
    run.report.verdict.uploads.filter((u) => u.key === key).sort((a, b) => a.phase - b.phase);
  const deliveriesOf = (key: string) =>
    run.report.deliveries.filter((d) => d.objects.some((o) => o.key === key));

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "duplicate-inputs-"));
    const landscape = await solidImage(join(dir, "landscape.jpg"), 300, 150, "#204080");
    const portrait = await solidImage(join(dir, "portrait.jpg"), 150, 300, "#802040");
    run = await runScenarioInChild("duplicates", {
      concurrency: 3,
      functionTimeoutSeconds: 5,
      redeliveries: [
        { keys: ["dup/in sequence.jpg"], copies: 3, mode: "sequential" },
        { keys: ["dup/at once.jpg"], copies: 3, mode: "concurrent" },
      ],
      phases: [
        [
          { key: "dup/in sequence.jpg", file: landscape, expect: { status: "SUCCEEDED" } },
          { key: "dup/at once.jpg", file: landscape, expect: { status: "SUCCEEDED" } },
          { key: "overwrite/photo.jpg", file: landscape, expect: { status: "SUCCEEDED" } },
        ],
        [{ key: "overwrite/photo.jpg", file: portrait, expect: { status: "SUCCEEDED" } }],
      ],
    });
  }, 180_000);

  it.each(["dup/in sequence.jpg", "dup/at once.jpg"])(
    "D1: delivers %s three times and keeps one record, one thumbnail and one message",
    (key) => {
      // Act
      const [verdict] = verdicts(key);
      const deliveries = deliveriesOf(key);

      // Assert
      expect(deliveries.map((d) => d.copy).sort()).toEqual([1, 2, 3]);
      expect(new Set(deliveries.map((d) => d.objects[0].sequencer)).size).toBe(1);
      expect(deliveries.every((d) => d.ok && !d.sentToDestination)).toBe(true);
      expect(verdict).toMatchObject({
        status: "SUCCEEDED",
        jobs: 1,
        messages: 1,
        analyticsDocuments: 1,
        thumbnailPuts: 1,
        duplicated: false,
      });
      expect(run.report.inventory.jobs.filter((j) => j.sourceKey === key)).toHaveLength(1);
    },
  );

  it("D1: needs no retry for copies delivered one after another", () => {
    // Act
    const attempts = deliveriesOf("dup/in sequence.jpg").map((d) => d.attempts);

    // Assert
    expect(attempts).toEqual([1, 1, 1]);
  });

  it("D1: retries a concurrent copy that met the live lease, and the retry finds the job done", () => {
    // Arrange
    const deliveries = deliveriesOf("dup/at once.jpg");
    const lines = run.logLines("image-processor").filter((l) => l.key === "dup/at once.jpg");

    // Act
    const retries = deliveries.reduce((sum, d) => sum + d.attempts - 1, 0);

    // Assert
    expect(deliveries.every((d) => d.attempts <= 2)).toBe(true);
    expect(lines.filter((l) => l.message === "in progress")).toHaveLength(retries);
    expect(lines.filter((l) => l.message === "duplicate")).toHaveLength(2);
    expect(lines.filter((l) => l.message === "recorded")).toHaveLength(1);
  });

  it("D1: overlaps the three concurrent deliveries in time", () => {
    // Act
    const deliveries = deliveriesOf("dup/at once.jpg");
    const lastStart = Math.max(...deliveries.map((d) => d.startedAt));
    const firstEnd = Math.min(...deliveries.map((d) => d.endedAt));

    // Assert
    expect(lastStart).toBeLessThanOrEqual(firstEnd);
  });

  it("D1: says in the processor's log why each extra delivery changed nothing", () => {
    // Arrange
    const lines = run.logLines("image-processor");
    const refusals = (key: string) =>
      lines.filter(
        (l) => l.key === key && ["duplicate", "in progress"].includes(String(l.message)),
      );

    // Assert
    expect(refusals("dup/in sequence.jpg").map((l) => l.message)).toEqual([
      "duplicate",
      "duplicate",
    ]);
    expect(refusals("dup/at once.jpg").filter((l) => l.message === "duplicate")).toHaveLength(2);
  });

  it("treats an overwrite with new content as a new job with its own message", () => {
    // Act
    const [first, second] = verdicts("overwrite/photo.jpg");
    const thumbnail = run.report.inventory.thumbnails.find((t) => t.key === "overwrite/photo.jpg");

    // Assert
    expect(first.jobId).toBeDefined();
    expect(second.jobId).toBeDefined();
    expect(second.jobId).not.toBe(first.jobId);
    for (const verdict of [first, second]) {
      expect(verdict).toMatchObject({
        status: "SUCCEEDED",
        jobs: 1,
        messages: 1,
        analyticsDocuments: 1,
      });
    }
    expect(thumbnail).toMatchObject({ width: 64, height: 128 });
  });

  it("loses and duplicates nothing", () => {
    // Assert
    expect(run.report.verdict.totals).toMatchObject({
      lost: 0,
      duplicated: 0,
      unmatchedMessages: 0,
    });
  });
});
