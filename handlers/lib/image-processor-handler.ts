import type { Context, S3Event } from "aws-lambda";

import { describeError } from "./aws-errors";
import { JobInProgressError, RetryableBatchError } from "./errors";
import {
  type ProcessorDeps,
  type RecordOutcome,
  type RecordReport,
  processUploadRecord,
} from "./process-upload";

/** What one invocation did, record by record; Lambda ignores it, tests and local mode read it. */
export interface ProcessorSummary {
  readonly records: readonly RecordReport[];
  readonly counts: Readonly<Partial<Record<RecordOutcome, number>>>;
}

/** The image processor's Lambda handler. */
export type ImageProcessorHandler = (
  event: S3Event,
  context?: Context
) => Promise<ProcessorSummary>;

/** Longest a Lambda invocation can run; the lease when no context tells the real deadline. */
const MAX_INVOCATION_MS = 15 * 60 * 1000;

/** Extra lease time so that clock differences between hosts cannot shorten a live lease. */
const LEASE_MARGIN_MS = 5_000;

/**
 * A job's claim lasts until this invocation's deadline (plus a margin): an
 * attempt cannot outlive it, and a crashed or timed-out attempt frees the job
 * for the next delivery. A delivery that arrives while a dead attempt's lease
 * is still live is refused as "in progress" and fails the invocation, so
 * Lambda retries it later (about one, then two minutes after each failure);
 * with the stack's 30 s timeout the first retry already finds the lease run
 * out. A function timeout of minutes can outlast both retries, and the event
 * then lands on the on-failure destination, with the job left unfinished.
 */
function leaseFor(context: Context | undefined): number {
  const remaining = context?.getRemainingTimeInMillis?.();

  return (
    (typeof remaining === "number" && remaining > 0 ? remaining : MAX_INVOCATION_MS) +
    LEASE_MARGIN_MS
  );
}

/**
 * Builds the image processor handler around injected clients. Records are
 * processed one after another (sharp already uses every core for one image)
 * and each to its end, so one bad record never loses the others. When any
 * record hit a retryable error, or was refused because another attempt holds
 * its job, the invocation fails after all were tried, and Lambda's retry
 * finishes those jobs while the rest are recognised as duplicates. A job
 * holds its claim until this invocation's deadline.
 */
export function createImageProcessor(deps: ProcessorDeps): ImageProcessorHandler {
  const { logger } = deps;

  return async (event, context) => {
    if (context) {
      logger.addContext(context);
    }
    const records = Array.isArray(event?.Records) ? event.Records : [];
    if (records.length === 0) {
      logger.info("no records", {
        reason: "the event holds no S3 records (an s3:TestEvent, for instance)",
      });

      return { records: [], counts: {} };
    }

    const leaseMs = leaseFor(context);
    const reports: RecordReport[] = [];
    for (const record of records) {
      try {
        reports.push(await processUploadRecord(record, deps, leaseMs));
      } catch (error) {
        logger.error("record failed unexpectedly; it is left for Lambda to retry", {
          errorKind: "unexpected",
          reason: describeError(error),
        });
        reports.push({ outcome: "retry" });
      }
    }

    const counts: Partial<Record<RecordOutcome, number>> = {};
    for (const report of reports) {
      counts[report.outcome] = (counts[report.outcome] ?? 0) + 1;
    }
    const idOf = (report: RecordReport) => report.jobId ?? report.key ?? "unknown";
    const retryIds = reports.filter((report) => report.outcome === "retry").map(idOf);
    const inProgressIds = reports.filter((report) => report.outcome === "in-progress").map(idOf);
    if (inProgressIds.length > 0) {
      logger.warn("retrying the event", {
        counts,
        inProgressJobIds: inProgressIds,
        ...(retryIds.length > 0 ? { retryJobIds: retryIds } : {}),
        reason:
          "another attempt holds at least one job, and may have died holding it; all " +
          "records were attempted and the invocation now fails so that Lambda retries " +
          "it once the lease has run out",
      });
      throw new JobInProgressError([...inProgressIds, ...retryIds], inProgressIds, records.length);
    }
    if (retryIds.length > 0) {
      logger.warn("retrying the event", {
        counts,
        retryJobIds: retryIds,
        reason:
          "at least one record hit a retryable error; all records were attempted " +
          "and the invocation now fails so that Lambda retries it",
      });
      throw new RetryableBatchError(retryIds, records.length);
    }
    logger.info("batch done", { counts });

    return { records: reports, counts };
  };
}
