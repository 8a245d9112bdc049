/**
 * Local mode under injected faults on S3 get/put, DynamoDB writes and SNS
 * publish. The SDK tries each call three times before the invocation fails,
 * and Lambda retries a failed event twice. The random faults stop after two
 * on any one call, so the SDK always absorbs them; the `retry/` uploads fail
 * three downloads in a row, so their first invocation fails and Lambda's
 * retry finishes them; the `exhaust/` upload fails every download, so it
 * lands on the on-failure queue. A rate-only plan would make the outcome of
 * each job a matter of luck, and the test flaky.
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
  // One upload that no retry can save.
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
          extra[2],
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

  it("ends every other job as expected with one record, one message and one document", () => {
    // Arrange
    const survivors = run.report.verdict.uploads.filter((u) => !u.key.startsWith("exhaust/"));

    // Assert
    expect(survivors).toHaveLength(18);
    for (const upload of survivors) {
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
    expect(retried.map((u) => u.key).sort()).toEqual(["retry/one.jpg", "retry/two.jpg"]);
  });

  it("puts a job that exhausts its retries on the on-failure queue, not in silence", () => {
    // Arrange
    const failures = run.report.inventory.failures;
    const verdict = byKey("exhaust/never.jpg");
    const job = run.report.inventory.jobs.find((j) => j.sourceKey === "exhaust/never.jpg");

    // Assert
    expect(verdict).toMatchObject({
      status: "ON_FAILURE_QUEUE",
      lost: false,
      processorAttempts: 3,
    });
    expect(failures).toHaveLength(1);
    expect(failures[0].functionName).toMatch(/image-processor$/);
    expect(failures[0].record.requestContext).toMatchObject({
      condition: "RetriesExhausted",
      approximateInvokeCount: 3,
    });
    expect(JSON.stringify(failures[0].record.requestPayload)).toContain("exhaust/never.jpg");
    expect(job).toMatchObject({ status: "RETRY_PENDING", lastErrorStep: "download", attempts: 3 });
    expect(verdict.messages + verdict.analyticsDocuments).toBe(0);
  });

  it("writes exactly one analytics document per published message", () => {
    // Assert
    expect(run.report.verdict.totals.unmatchedMessages).toBe(0);
    expect(run.report.verdict.totals.lost).toBe(0);
    expect(run.report.verdict.totals.duplicated).toBe(0);
    expect(run.report.verdict.totals.republished).toBe(0);
  });
});
