import { relative } from "node:path";

import { UploadResult } from "./results";

/** One line of the run summary. */
export interface SummaryRow {
  readonly key: string;
  readonly file: string;
  /**
   * SUCCEEDED or FAILED from the job record; LOST when no analytics document
   * came; SKIPPED or UPLOAD_FAILED when the file never reached the pipeline;
   * INTERRUPTED when the run was stopped first.
   */
  readonly status: string;
  readonly detail: string;
  /** Upload start to analytics document, in milliseconds. */
  readonly latencyMs?: number;
  readonly thumbnailPath?: string;
  readonly recordPath?: string;
  readonly analyticsPath?: string;
  readonly expected?: string;
  readonly duplicates: number;
}

/** The run as a whole: every row and what went wrong. */
export interface RunSummary {
  readonly rows: SummaryRow[];
  readonly counts: Record<string, number>;
  /** Lost uploads, duplicates and statuses other than expected: empty when the pipeline behaved. */
  readonly problems: string[];
}

function detailOf(result: UploadResult): string {
  const record = result.record ?? {};
  if (record.status === "SUCCEEDED") {
    const width = record.thumbnailWidth;
    const height = record.thumbnailHeight;
    const bytes = record.thumbnailBytes;

    return `${width}x${height} ${record.thumbnailContentType ?? ""}, ${bytes} bytes`.replace(" ,", ",");
  }
  const reason = record.errorReason ?? record.errorMessage ?? record.error;

  return typeof reason === "string" ? reason : reason === undefined ? "" : JSON.stringify(reason);
}

/** What else a summary needs to know about the run. */
export interface RunFacts {
  /** What each key should end as, for the built-in samples. */
  readonly expected?: ReadonlyMap<string, string>;
  /** Why the function failed for a key, from the invocations that failed. */
  readonly failures?: ReadonlyMap<string, string>;
  /** The run was stopped before every job ended. */
  readonly interrupted?: boolean;
  /** --timeout ran out before every job ended. */
  readonly timedOut?: boolean;
}

/** Statuses that mean something went wrong with the pipeline or the run. */
const PROBLEM_STATUSES = new Set(["LOST", "UPLOAD_FAILED"]);

function unfinishedStatus(result: UploadResult, facts: RunFacts): { status: string; detail: string } {
  const { upload } = result;
  if (upload.notUploaded) return { status: upload.notUploaded.status, detail: upload.notUploaded.reason };
  if (facts.interrupted) return { status: "INTERRUPTED", detail: "the run was stopped before this job ended" };
  const failure = facts.failures?.get(upload.key);

  const fallback = facts.timedOut
    ? "no analytics document before --timeout ran out"
    : "no analytics document came; see the function logs";

  return { status: "LOST", detail: failure ?? fallback };
}

/** Builds the summary of a run from its results. */
export function summarize(results: readonly UploadResult[], facts: RunFacts = {}): RunSummary {
  const rows = results.map((result): SummaryRow => {
    const { upload } = result;
    const finished = upload.document !== undefined;
    const { status, detail } = finished
      ? { status: String(result.record?.status ?? upload.document?.status ?? "UNKNOWN"), detail: detailOf(result) }
      : unfinishedStatus(result, facts);

    return {
      key: upload.key,
      file: upload.file,
      status,
      detail,
      latencyMs:
        upload.finishedAt !== undefined && upload.uploadedAt !== undefined
          ? Math.round(upload.finishedAt - upload.uploadedAt)
          : undefined,
      thumbnailPath: result.thumbnailPath,
      recordPath: result.recordPath,
      analyticsPath: result.analyticsPath,
      expected: facts.expected?.get(upload.key),
      duplicates: upload.duplicates,
    };
  });

  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
  const problems = rows.flatMap((row) => [
    ...(PROBLEM_STATUSES.has(row.status) ? [`${row.key}: ${row.status.toLowerCase()} (${row.detail})`] : []),
    ...(row.duplicates > 0 ? [`${row.key}: ${row.duplicates} duplicate analytics document(s)`] : []),
    ...(row.expected && finishedStatus(row.status) && row.expected !== row.status
      ? [`${row.key}: ended ${row.status}, expected ${row.expected}`]
      : []),
  ]);

  return { rows, counts, problems };
}

function finishedStatus(status: string): boolean {
  return status === "SUCCEEDED" || status === "FAILED";
}

function shorten(text: string, width: number): string {
  return [...text].length <= width ? text : `${[...text].slice(0, width - 1).join("")}…`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => [...row[column]].length)));

  return rows
    .map((row) => row.map((cell, column) => cell + " ".repeat(widths[column] - [...cell].length)).join("  ").trimEnd())
    .join("\n");
}

/** Renders the summary for a terminal, with paths relative to `cwd`. */
export function formatSummary(summary: RunSummary, outDir: string, cwd = process.cwd()): string {
  const lines = [
    table([
      ["INPUT", "STATUS", "THUMBNAIL OR REASON", "UPLOAD→ANALYTICS"],
      ...summary.rows.map((row) => [
        shorten(row.key.replace(/\s/g, " "), 60),
        row.status,
        shorten(row.detail, 72),
        row.latencyMs === undefined ? "-" : `${row.latencyMs} ms`,
      ]),
    ]),
    "",
    Object.entries(summary.counts)
      .map(([status, count]) => `${count} ${status}`)
      .join(", "),
    `Thumbnails:          ${relative(cwd, `${outDir}/thumbnails`)}/`,
    `Job records:         ${relative(cwd, `${outDir}/records`)}/`,
    `Analytics documents: ${relative(cwd, `${outDir}/analytics`)}/`,
    `Summary as JSON:     ${relative(cwd, `${outDir}/summary.json`)}`,
  ];
  if (summary.problems.length > 0) {
    lines.push("", "Problems:", ...summary.problems.map((problem) => `  ${problem}`));
  }

  return lines.join("\n");
}
