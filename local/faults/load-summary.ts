import type { ScenarioReport } from "./scenario";
import type { RunVerdict } from "./verdict";

/** The figures of one load run. */
export interface LoadSummary {
  readonly uploads: number;
  readonly good: number;
  readonly bad: number;
  readonly succeeded: number;
  readonly failedAsExpected: number;
  readonly onFailureQueue: number;
  readonly unexpected: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly republished: number;
  readonly lambdaRetries: number;
  readonly faultsInjected: number;
  /** First upload to the end of the last delivery, milliseconds. */
  readonly processingMs: number;
  /** Uploads per second over `processingMs`. */
  readonly imagesPerSecond: number;
  /** Whether the run waited past its deadline. */
  readonly timedOut: boolean;
  /** True when nothing was lost, duplicated or ended otherwise than expected. */
  readonly passed: boolean;
}

/** Sums up a load run from its report and verdict. */
export function summarizeLoad(report: ScenarioReport, verdict: RunVerdict): LoadSummary {
  const firstUpload = Math.min(...report.uploads.map((u) => u.uploadedAt));
  const lastDelivery = Math.max(firstUpload, ...report.deliveries.map((d) => d.endedAt));
  const processingMs = lastDelivery - firstUpload;
  const good = report.uploads.filter((u) => u.expect?.status === "SUCCEEDED").length;
  const { totals } = verdict;
  const timedOut = report.phases.some((phase) => phase.timedOut);

  return {
    uploads: totals.uploads,
    good,
    bad: totals.uploads - good,
    succeeded: totals.succeeded,
    failedAsExpected: totals.failedAsExpected,
    onFailureQueue: totals.onFailureQueue,
    unexpected: totals.unexpected,
    lost: totals.lost,
    duplicated: totals.duplicated,
    republished: totals.republished,
    lambdaRetries: totals.neededLambdaRetry,
    faultsInjected: Object.values(report.faults.injected).reduce((sum, n) => sum + n, 0),
    processingMs,
    imagesPerSecond: processingMs > 0 ? (totals.uploads * 1000) / processingMs : 0,
    timedOut,
    passed:
      !timedOut &&
      totals.lost === 0 &&
      totals.duplicated === 0 &&
      totals.unexpected === 0 &&
      totals.onFailureQueue === 0 &&
      totals.succeeded + totals.failedAsExpected === totals.uploads,
  };
}

/** The summary as the aligned lines the load test prints. */
export function formatLoadSummary(summary: LoadSummary): string {
  const rows: [string, string][] = [
    ["uploads", `${summary.uploads} (${summary.good} good, ${summary.bad} bad)`],
    ["succeeded", String(summary.succeeded)],
    ["failed as expected", String(summary.failedAsExpected)],
    ["on failure queue", String(summary.onFailureQueue)],
    ["ended otherwise", String(summary.unexpected)],
    ["lost", String(summary.lost)],
    ["duplicated", String(summary.duplicated)],
    ["published twice", String(summary.republished)],
    ["faults injected", String(summary.faultsInjected)],
    ["needed a Lambda retry", String(summary.lambdaRetries)],
    [
      "processing time",
      `${(summary.processingMs / 1000).toFixed(1)} s (first upload to last delivery)`,
    ],
    ["throughput", `${summary.imagesPerSecond.toFixed(1)} images/s`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
  if (summary.timedOut)
    lines.push("the run stopped at its deadline: jobs still under way count as lost");
  lines.push(summary.passed ? "PASS: nothing lost or duplicated" : "FAIL: see the counts above");

  return lines.join("\n");
}
