import type { CallRecord } from "./call-proxy";
import type { ScenarioReport, UploadRecord } from "./scenario";

/** How one upload ended, and whether anything was lost or done twice. */
export interface UploadVerdict {
  readonly key: string;
  readonly phase: number;
  readonly jobId?: string;
  /** The job record's status, ON_FAILURE_QUEUE, or LOST when neither exists. */
  readonly status: string;
  readonly errorKind?: string;
  readonly errorReason?: string;
  /** Job records written for this key during its round (1 expected). */
  readonly jobs: number;
  /**
   * Messages published about its job: 1, or more when an invocation failed
   * after its publish and Lambda's retry published again (the processor's
   * documented at-least-once window; the copies carry the same job and status).
   */
  readonly messages: number;
  /** Analytics documents about its job (1 per message expected). */
  readonly analyticsDocuments: number;
  /**
   * Successful thumbnail writes for its key during its round: 1, or more when
   * a Lambda retry redid the step (same key and bytes, so an overwrite).
   */
  readonly thumbnailPuts: number;
  /** Whether the thumbnails bucket holds an object under its key. */
  readonly thumbnail: boolean;
  /** Invocations of the processor its first delivery took (1 unless Lambda retried). */
  readonly processorAttempts: number;
  readonly onFailureQueue: boolean;
  readonly asExpected: boolean;
  readonly lost: boolean;
  /** More than one message for its job, all with the same status. */
  readonly republished: boolean;
  /** More than one job for one upload, more documents than messages, or conflicting statuses. */
  readonly duplicated: boolean;
}

/** Totals over a run. */
export interface RunTotals {
  readonly uploads: number;
  readonly succeeded: number;
  readonly failedAsExpected: number;
  readonly onFailureQueue: number;
  readonly unexpected: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Uploads whose job was published more than once (at-least-once, same content). */
  readonly republished: number;
  /** Uploads whose first delivery needed at least one Lambda retry. */
  readonly neededLambdaRetry: number;
  /** Successful publishes with no analytics document, or documents with no publish. */
  readonly unmatchedMessages: number;
}

/** The judgement of a whole run. */
export interface RunVerdict {
  readonly uploads: UploadVerdict[];
  readonly totals: RunTotals;
}

const FINAL = new Set(["SUCCEEDED", "FAILED"]);

function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, " "));
}

function within(at: number, window: { startedAt: number; endedAt: number }): boolean {
  return at >= window.startedAt && at <= window.endedAt;
}

function publishedMessages(calls: readonly CallRecord[]): CallRecord[] {
  return calls.filter(
    (call) => call.service === "sns" && call.operation === "Publish" && call.status === 200,
  );
}

/**
 * Judges every upload of a run from what the run recorded (calls, deliveries)
 * and what it left (jobs, documents, thumbnails, failure queues). An upload is
 * lost when it has neither a final record with an analytics document nor a
 * record on an on-failure queue; it is duplicated when its round holds more
 * than one job for it, more analytics documents than messages, or documents
 * that disagree on the job's status.
 */
export function judgeRun(report: ScenarioReport): RunVerdict {
  const { inventory, calls, deliveries } = report;
  const published = publishedMessages(calls);
  const publishedIds = new Set(published.map((call) => call.messageId));
  const thumbnailArn = (key: string) => `arn:aws:s3:::${report.outputs.thumbnailsBucket}/${key}`;
  const loggerFailedMessages = new Set(
    inventory.failures.flatMap((failure) =>
      (
        (failure.record.requestPayload as { Records?: { Sns?: { MessageId?: string } }[] })
          .Records ?? []
      )
        .map((record) => record.Sns?.MessageId)
        .filter((id): id is string => id !== undefined),
    ),
  );

  const uploads = report.uploads.map((upload: UploadRecord): UploadVerdict => {
    const window = report.phases[upload.phase];
    const first = deliveries.find(
      (d) =>
        d.copy === 1 && within(d.startedAt, window) && d.objects.some((o) => o.key === upload.key),
    );
    const sequencer = first?.objects.find((o) => o.key === upload.key)?.sequencer;
    const jobsOfRound = inventory.jobs.filter(
      (job) =>
        job.sourceKey === upload.key &&
        typeof job.receivedAt === "string" &&
        within(Date.parse(job.receivedAt), window),
    );
    const job = inventory.jobs.find(
      (j) => j.sourceKey === upload.key && j.sourceSequencer === sequencer,
    );
    const jobId = typeof job?.jobId === "string" ? job.jobId : undefined;
    const messages = published.filter((call) => jobId !== undefined && call.item === jobId);
    const documents = inventory.analytics.filter(
      (doc) => jobId !== undefined && doc.jobId === jobId,
    );
    const thumbnailPuts = calls.filter(
      (call) =>
        call.operation === "PutObject" &&
        call.status === 200 &&
        call.resource === thumbnailArn(upload.key) &&
        within(call.at, window),
    ).length;
    const onProcessorQueue = inventory.failures.some((failure) =>
      (
        (
          failure.record.requestPayload as {
            Records?: { s3?: { object?: { key?: string; sequencer?: string } } }[];
          }
        ).Records ?? []
      ).some(
        (record) =>
          record.s3?.object?.key !== undefined &&
          decodeEventKey(record.s3.object.key) === upload.key &&
          record.s3.object.sequencer === sequencer,
      ),
    );
    const onLoggerQueue = messages.some((call) => loggerFailedMessages.has(call.messageId ?? ""));
    const onFailureQueue = onProcessorQueue || onLoggerQueue;
    const recordStatus = typeof job?.status === "string" ? job.status : undefined;
    const finished = recordStatus !== undefined && FINAL.has(recordStatus) && documents.length > 0;
    const lost = !finished && !onFailureQueue;
    const status = finished ? recordStatus : onFailureQueue ? "ON_FAILURE_QUEUE" : "LOST";
    const statuses = new Set(documents.map((doc) => doc.status));
    const duplicated =
      jobsOfRound.length > 1 || documents.length > messages.length || statuses.size > 1;
    const expected = upload.expect;
    const asExpected =
      expected === undefined
        ? finished
        : finished &&
          recordStatus === expected.status &&
          (expected.kind === undefined || job?.errorKind === expected.kind) &&
          (expected.status !== "SUCCEEDED" || thumbnailPuts > 0);

    return {
      key: upload.key,
      phase: upload.phase,
      jobId,
      status,
      errorKind: typeof job?.errorKind === "string" ? job.errorKind : undefined,
      errorReason: typeof job?.errorReason === "string" ? job.errorReason : undefined,
      jobs: jobsOfRound.length,
      messages: messages.length,
      analyticsDocuments: documents.length,
      thumbnailPuts,
      thumbnail: inventory.thumbnails.some((t) => t.key === upload.key),
      processorAttempts: first?.attempts ?? 0,
      onFailureQueue,
      asExpected,
      lost,
      republished: messages.length > 1,
      duplicated,
    };
  });

  const unmatchedMessages =
    published.filter(
      (call) =>
        !inventory.analytics.some((doc) => doc.messageId === call.messageId) &&
        !loggerFailedMessages.has(call.messageId ?? ""),
    ).length + inventory.analytics.filter((doc) => !publishedIds.has(doc.messageId)).length;

  return {
    uploads,
    totals: {
      uploads: uploads.length,
      succeeded: uploads.filter((u) => u.asExpected && u.status === "SUCCEEDED").length,
      failedAsExpected: uploads.filter((u) => u.asExpected && u.status === "FAILED").length,
      onFailureQueue: uploads.filter((u) => u.onFailureQueue && !u.asExpected).length,
      unexpected: uploads.filter((u) => !u.asExpected && !u.lost && !u.onFailureQueue).length,
      lost: uploads.filter((u) => u.lost).length,
      duplicated: uploads.filter((u) => u.duplicated).length,
      republished: uploads.filter((u) => u.republished).length,
      neededLambdaRetry: uploads.filter((u) => u.processorAttempts > 1).length,
      unmatchedMessages,
    },
  };
}
