/**
 * Local mode under injected faults on S3 get/put, DynamoDB writes and SNS
 * publish. The SDK tries each call three times before the invocation fails,
 * and Lambda retries a failed event twice. The random faults stop after two
 * on any one call, so the SDK always absorbs them; the `retry/` uploads fail
 * three downloads in a row, so their first invocation fails and Lambda's
 * retry finishes them; the `exhaust/` upload fails every download, so its
 * third attempt (MAX_ATTEMPTS) gives up: FAILED, with a failure message. A
 * rate-only plan would make the outcome of each job a matter of luck, and the
 * test flaky.
 */
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { FaultRule } from "../../local/faults/fault-plan";
import { writeGeneratedSet } from "../../local/faults/generated-images";
import type { UploadVerdict } from "../../local/faults/verdict";
import { runScenarioInChild, ScenarioRun } from "./support/scenario-child";

const FAULTS: FaultRule[] = [
  // Two uploads whose first invocation always fails: a Lambda retry is certain.
  {
    kind: "server-error",
    service: "s3",
    operations: ["GetObject"],
    resourceIncludes: "-uploads/retry/",
    maxPerCall: 3,
  },
  // One upload that no retry can save: its last attempt ends it FAILED.
  {
    kind: "server-error",
    service: "s3",
    operations: ["GetObject"],
    resourceIncludes: "-uploads/exhaust/",
  },
  {
    kind: "throttle",
    service: "s3",
    operations: ["GetObject", "PutObject"],
    rate: 0.3,
    maxPerCall: 2,
  },
  {
    kind: "delay",
    service: "s3",
    operations: ["GetObject"],
    rate: 0.2,
    delayMs: 150,
    maxPerCall: 2,
  },
  {
    kind: "server-error",
    service: "dynamodb",
    operations: ["UpdateItem", "PutItem"],
    rate: 0.15,
    maxPerCall: 2,
  },
  {
    kind: "throttle",
    service: "dynamodb",
    operations: ["UpdateItem", "PutItem"],
    rate: 0.15,
    maxPerCall: 2,
  },
  { kind: "drop", service: "sns", operations: ["Publish"], rate: 0.25, maxPerCall: 2 },
  { kind: "throttle", service: "sns", operations: ["Publish"], rate: 0.25, maxPerCall: 2 },
];

describe("faults between the functions and the emulators", () => {
  let run: ScenarioRun;
  const byKey = (key: string): UploadVerdict =>
    run.report.verdict.uploads.find((u) => u.key === key)!;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "fault-inputs-"));
    const set = await writeGeneratedSet({ dir, count: 16, seed: 5, prefix: "photos/" });
    const good = set.find((upload) => upload.expect?.status === "SUCCEEDED")!;
    const extra = ["retry/one.jpg", "retry/two.jpg", "exhaust/never.jpg"].map((key) => {
      const file = join(dir, key.replace("/", "-"));
      copyFileSync(good.file, file);

      return { key, file };
    });
    run = await runScenarioInChild("faults", {
      seed: 2026,
      faults: FAULTS,
      phases: [
        [
          ...set,
          ...extra.slice(0, 2).map((u) => ({ ...u, expect: { status: "SUCCEEDED" as const } })),
          { ...extra[2], expect: { status: "FAILED" as const, kind: "retries-exhausted" } },
        ],
      ],
    });
  }, 180_000);

  it("injects every kind of fault it was asked for", () => {
    // Act
    const { injected } = run.report.faults;

    // Assert
    expect(injected.throttle).toBeGreaterThan(0);
    expect(injected["server-error"]).toBeGreaterThan(0);
    expect(injected.delay).toBeGreaterThan(0);
    expect(injected.drop).toBeGreaterThan(0);
    console.log(`faults injected: ${JSON.stringify(run.report.faults.byOperation)}`);
  });

  it("ends every job as expected with one record, one message and one document", () => {
    // Arrange
    const uploads = run.report.verdict.uploads;

    // Assert
    expect(uploads).toHaveLength(19);
    for (const upload of uploads) {
      expect({ key: upload.key, asExpected: upload.asExpected, lost: upload.lost }).toEqual({
        key: upload.key,
        asExpected: true,
        lost: false,
      });
      expect([upload.jobs, upload.messages, upload.analyticsDocuments]).toEqual([1, 1, 1]);
      expect(upload.duplicated).toBe(false);
      expect(upload.thumbnail).toBe(upload.status === "SUCCEEDED");
    }
  });

  it("needs Lambda's retries for some jobs and gets them through", () => {
    // Act
    const retried = run.report.verdict.uploads.filter(
      (u) => u.processorAttempts > 1 && !u.onFailureQueue,
    );

    // Assert
    expect(byKey("retry/one.jpg")).toMatchObject({ processorAttempts: 2, status: "SUCCEEDED" });
    expect(byKey("retry/two.jpg")).toMatchObject({ processorAttempts: 2, status: "SUCCEEDED" });
    expect(retried.map((u) => u.key).sort()).toEqual([
      "exhaust/never.jpg",
      "retry/one.jpg",
      "retry/two.jpg",
    ]);
  });

  it("ends a job that exhausts its retries FAILED on its last attempt, with one failure message", () => {
    // Arrange
    const verdict = byKey("exhaust/never.jpg");
    const job = run.report.inventory.jobs.find((j) => j.sourceKey === "exhaust/never.jpg");
    const document = run.report.inventory.analytics.find((d) => d.jobId === verdict.jobId);

    // Assert
    expect(verdict).toMatchObject({
      status: "FAILED",
      errorKind: "retries-exhausted",
      processorAttempts: 3,
      onFailureQueue: false,
      lost: false,
      messages: 1,
      analyticsDocuments: 1,
      thumbnail: false,
    });
    expect(verdict.errorReason).toMatch(/^gave up after 3 attempts: InternalError/);
    expect(job).toMatchObject({ status: "FAILED", attempts: 3, lastErrorStep: "download" });
    expect(document).toMatchObject({ status: "FAILED", errorKind: "retries-exhausted" });
    expect(run.report.inventory.failures).toEqual([]);
  });

  it("writes exactly one analytics document per published message", () => {
    // Assert
    expect(run.report.verdict.totals.unmatchedMessages).toBe(0);
    expect(run.report.verdict.totals.lost).toBe(0);
    expect(run.report.verdict.totals.duplicated).toBe(0);
    expect(run.report.verdict.totals.republished).toBe(0);
  });
});
