import { randomUUID } from "node:crypto";

import type { Logger } from "@aws-lambda-powertools/logger";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { S3EventRecord } from "aws-lambda";

import { answeredByService, classifyAwsError, describeError } from "./aws-errors";
import type { ProcessorConfig } from "./config";
import { InputRejectedError } from "./errors";
import { checkInputSize, probeImage } from "./image-probe";
import { computeJobId } from "./job-id";
import { buildJobMessage, publishJobMessageInput } from "./job-message";
import {
  claimJobInput,
  completeJobInput,
  type RefusalReason,
  readJobInput,
  refusalReason,
  releaseJobInput,
} from "./job-record";
import type { JobResult } from "./job-result";
import { readObject } from "./read-object";
import { decodeS3EventKey, isFolderMarker } from "./s3-key";
import { type SourceObjectRef, readSourceObjectRef } from "./source-object";
import { makeThumbnail } from "./thumbnail";

/**
 * Thumbnails live under the same key as their source, which a new upload can
 * replace; an hour bounds how long a cache may show the old thumbnail.
 */
export const THUMBNAIL_CACHE_CONTROL = "public, max-age=3600";

/** Everything the image processor needs, created once per cold start; tests inject their own. */
export interface ProcessorDeps {
  readonly config: ProcessorConfig;
  readonly s3: S3Client;
  readonly dynamo: DynamoDBDocumentClient;
  readonly sns: SNSClient;
  readonly logger: Logger;
  /** Clock; defaults to the system clock. */
  readonly now?: () => Date;
  /** Source of attempt ids; defaults to random UUIDs. */
  readonly newAttemptId?: () => string;
}

/**
 * How one record ended. `retry` (a retryable error) and `in-progress` (another
 * attempt holds the job) mean the invocation must fail so that Lambda retries it.
 */
export type RecordOutcome =
  | "succeeded"
  | "failed"
  | "duplicate"
  | "in-progress"
  | "superseded"
  | "skipped"
  | "retry";

/** The outcome of one record, with its job id when it has one. */
export interface RecordReport {
  readonly outcome: RecordOutcome;
  readonly jobId?: string;
  readonly key?: string;
}

type Step = "claim" | "download" | "resize" | "store" | "publish" | "record";

interface Job {
  readonly jobId: string;
  readonly ref: SourceObjectRef;
  readonly key: string;
  readonly keyError?: InputRejectedError;
  readonly attemptId: string;
  readonly startedAt: Date;
  readonly leaseExpiresAt: number;
}

const LOG_KEYS = ["jobId", "key", "bucket"];

/**
 * Processes one S3 record from claim to final record, and never throws: every
 * outcome, including a retryable error, is returned.
 *
 * Order of the writes, and why:
 * 1. claim the job (conditional update that counts the attempt; a finished
 *    job is a duplicate; a live lease means another attempt is working on
 *    it, or died holding it, and the invocation fails so that Lambda retries
 *    the record after the lease);
 * 2. download, probe, resize; a hopeless input becomes a FAILED result here;
 * 3. put the thumbnail (same key and bytes on every attempt, so repeatable);
 * 4. publish the message;
 * 5. record the final status, conditional on still holding the claim.
 * The status becomes final only after the message is out, so an attempt that
 * fails before or during publishing leaves the job unfinished and its retry
 * redoes steps 2-5 and publishes the one message. On a retryable error the
 * attempt stores the error on the job (RETRY_PENDING) and gives the claim
 * back. The job's last attempt (MAX_ATTEMPTS) ends it FAILED instead, kind
 * `retries-exhausted`, with its failure message (steps 4-5 for that result);
 * it gives the claim back and fails, for the on-failure destination, when
 * that message cannot be published, or when its own message may already be
 * out (step 5 failed, or the publish got no answer), so that no FAILED
 * message contradicts a SUCCEEDED one. A job given up after its publish was
 * refused keeps the thumbnail step 3 stored.
 *
 * Remaining at-least-once window: when the publish succeeds but its answer is
 * lost, the SDK sends it again, a byte-identical copy. When the final write
 * in step 5 fails (or every try of the publish went unanswered), the retry
 * publishes a second message for the same jobId with the same status,
 * subject, attributes and results, whose receivedAt, finishedAt and
 * durationMs are the retry's own. SNS standard topics cannot
 * deduplicate, so consumers key on jobId; each copy gets its own analytics
 * document, named by its SNS MessageId.
 */
export async function processUploadRecord(
  record: S3EventRecord,
  deps: ProcessorDeps,
  leaseMs: number
): Promise<RecordReport> {
  const { logger } = deps;
  const ref = readSourceObjectRef(record);
  if (!ref) {
    logger.error("skipped", {
      reason: "the record names no bucket or no object key",
      eventName: record?.eventName,
    });

    return { outcome: "skipped" };
  }

  let key = ref.rawKey;
  let keyError: InputRejectedError | undefined;
  try {
    key = decodeS3EventKey(ref.rawKey);
  } catch (error) {
    keyError =
      error instanceof InputRejectedError
        ? error
        : new InputRejectedError("invalid-key", describeError(error), { cause: error });
  }
  if (!keyError && isFolderMarker(key)) {
    logger.info("skipped", { bucket: ref.bucket, key, reason: "folder marker (key ends with /)" });

    return { outcome: "skipped", key };
  }
  if (ref.bucket === deps.config.thumbnailsBucket) {
    logger.error("skipped", {
      bucket: ref.bucket,
      key,
      reason:
        "the event comes from the thumbnails bucket; processing it would loop " +
        "(check the bucket notification)",
    });

    return { outcome: "skipped", key };
  }

  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const job: Job = {
    jobId: computeJobId({
      bucket: ref.bucket,
      key,
      versionId: ref.versionId,
      sequencer: ref.sequencer,
    }),
    ref,
    key,
    keyError,
    attemptId: (deps.newAttemptId ?? randomUUID)(),
    startedAt,
    leaseExpiresAt: startedAt.getTime() + leaseMs,
  };

  logger.appendKeys({ jobId: job.jobId, key: job.key, bucket: ref.bucket });
  try {
    return await runJob(job, deps, now);
  } finally {
    logger.removeKeys(LOG_KEYS);
  }
}

function reportOf(job: Job, outcome: RecordOutcome): RecordReport {
  return { outcome, jobId: job.jobId, key: job.key };
}

/** When this attempt's outcome was known, and how long the attempt took. */
function finishTimes(job: Job, now: () => Date): { finishedAt: string; durationMs: number } {
  const finishedAt = now();

  return {
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - job.startedAt.getTime(),
  };
}

async function runJob(job: Job, deps: ProcessorDeps, now: () => Date): Promise<RecordReport> {
  const { config, logger } = deps;
  logger.info("received", {
    eventName: job.ref.eventName,
    eventTime: job.ref.eventTime,
    size: job.ref.size,
    versionId: job.ref.versionId,
    sequencer: job.ref.sequencer,
    ...(job.key !== job.ref.rawKey ? { rawKey: job.ref.rawKey } : {}),
  });

  let step: Step = "claim";
  let attempt: number | undefined;
  const enter = (next: Step) => {
    step = next;
  };
  try {
    const claim = await claimJob(job, deps);
    if ("refusal" in claim) {
      return reportOf(job, claim.refusal);
    }
    attempt = claim.attempt;

    step = "download";
    const result = await makeResult(job, deps, now, enter);

    return await publishAndRecord(job, deps, result, enter);
  } catch (error) {
    const lastAttempt = attempt !== undefined && attempt >= config.maxAttempts;
    if (attempt !== undefined && lastAttempt && !mayHavePublished(step, error)) {
      return giveUp(job, deps, now, { step, attempt, error });
    }
    await giveBack(job, deps, now, { step, claimed: attempt !== undefined, lastAttempt, error });

    return reportOf(job, "retry");
  }
}

/**
 * Whether the job's message may be out although the step failed: the final
 * write failed after the publish, or the publish got no answer.
 */
function mayHavePublished(step: Step, error: unknown): boolean {
  return step === "record" || (step === "publish" && !answeredByService(error));
}

/** Steps 4 and 5: publishes the result's message, then records it as final. */
async function publishAndRecord(
  job: Job,
  deps: ProcessorDeps,
  result: JobResult,
  enter: (step: Step) => void
): Promise<RecordReport> {
  const { config, logger } = deps;
  enter("publish");
  const message = buildJobMessage(result);
  const published = await deps.sns.send(
    new PublishCommand(publishJobMessageInput(config.eventsTopicArn, message))
  );
  logger.info("published", { status: result.status, messageId: published.MessageId });

  enter("record");
  try {
    await deps.dynamo.send(
      new UpdateCommand(completeJobInput(config.jobsTable, job.attemptId, result))
    );
  } catch (error) {
    if (classifyAwsError(error) !== "conditional-check") {
      throw error;
    }
    logger.error("superseded", {
      reason: "another attempt took the job over before this one recorded it; its record stands",
    });

    return reportOf(job, "superseded");
  }
  logger.info("recorded", { status: result.status, durationMs: result.durationMs });

  return reportOf(job, result.status === "SUCCEEDED" ? "succeeded" : "failed");
}

/** A retryable error and the step where it happened. */
interface AttemptError {
  readonly step: Step;
  readonly error: unknown;
}

/**
 * Ends a job whose last allowed attempt hit a retryable error: FAILED, kind
 * `retries-exhausted`, with its failure message. When that message or the
 * final write fails too, the claim is given back and the invocation fails, so
 * that the event reaches the on-failure destination.
 */
async function giveUp(
  job: Job,
  deps: ProcessorDeps,
  now: () => Date,
  failure: AttemptError & { readonly attempt: number }
): Promise<RecordReport> {
  const { logger } = deps;
  const attempts = `${failure.attempt} attempt${failure.attempt === 1 ? "" : "s"}`;
  const reason = `gave up after ${attempts}: ${describeError(failure.error)}`;
  logger.error("gave up", {
    step: failure.step,
    errorKind: errorKindOf(failure.error),
    attempts: failure.attempt,
    reason,
    error: failure.error,
  });
  const result: JobResult = {
    jobId: job.jobId,
    status: "FAILED",
    sourceBucket: job.ref.bucket,
    sourceKey: job.key,
    sourceBytes: job.ref.size,
    error: { kind: "retries-exhausted", reason },
    receivedAt: job.startedAt.toISOString(),
    ...finishTimes(job, now),
  };

  let step: Step = "publish";
  try {
    return await publishAndRecord(job, deps, result, (next) => {
      step = next;
    });
  } catch (error) {
    await giveBack(job, deps, now, { step, claimed: true, lastAttempt: true, error });

    return reportOf(job, "retry");
  }
}

/** Claims the job and returns its attempt number, or why not when another delivery has it. */
async function claimJob(
  job: Job,
  deps: ProcessorDeps
): Promise<{ readonly attempt: number } | { readonly refusal: RefusalReason }> {
  const { config, logger } = deps;
  const claim = claimJobInput(config.jobsTable, {
    jobId: job.jobId,
    attemptId: job.attemptId,
    sourceBucket: job.ref.bucket,
    sourceKey: job.key,
    sourceVersionId: job.ref.versionId,
    sourceSequencer: job.ref.sequencer,
    sourceETag: job.ref.eTag,
    sourceBytes: job.ref.size,
    now: job.startedAt,
    leaseExpiresAt: job.leaseExpiresAt,
  });
  try {
    const claimed = await deps.dynamo.send(new UpdateCommand(claim));

    return { attempt: Number(claimed.Attributes?.attempts ?? 1) };
  } catch (error) {
    if (classifyAwsError(error) !== "conditional-check") {
      throw error;
    }
  }

  const existing = await deps.dynamo.send(
    new GetCommand(readJobInput(config.jobsTable, job.jobId))
  );
  const reason = refusalReason(existing.Item);
  if (reason === "duplicate") {
    logger.info("duplicate", {
      reason: "this upload was already processed; nothing is changed",
      status: existing.Item?.status,
      finishedAt: existing.Item?.finishedAt,
    });
  } else {
    logger.info("in progress", {
      reason:
        "another attempt holds this job; this delivery fails, to be retried once the lease " +
        "has run out",
      status: existing.Item?.status,
      leaseExpiresAt: existing.Item?.leaseExpiresAt,
    });
  }

  return { refusal: reason };
}

/** Downloads, checks and resizes; a hopeless input yields a FAILED result instead of an error. */
async function makeResult(
  job: Job,
  deps: ProcessorDeps,
  now: () => Date,
  enter: (step: Step) => void
): Promise<JobResult> {
  const { config, logger } = deps;
  const base = {
    jobId: job.jobId,
    sourceBucket: job.ref.bucket,
    sourceKey: job.key,
    receivedAt: job.startedAt.toISOString(),
  };
  let sourceBytes = job.ref.size;

  try {
    if (job.keyError) {
      throw job.keyError;
    }
    // The event's size refuses an oversized upload without downloading it; an empty upload
    // is decided from the object itself.
    if (job.ref.size !== undefined && job.ref.size > 0) {
      checkInputSize(job.ref.size, config.maxInputBytes);
    }

    const downloadStarted = Date.now();
    const input = await readObject(deps.s3, {
      bucket: job.ref.bucket,
      key: job.key,
      versionId: job.ref.versionId,
      maxBytes: config.maxInputBytes,
    });
    sourceBytes = input.length;
    logger.info("downloaded", { bytes: input.length, ms: Date.now() - downloadStarted });

    enter("resize");
    const resizeStarted = Date.now();
    const source = await probeImage(input, config);
    const thumbnail = await makeThumbnail(input, source, {
      size: config.thumbnailSize,
      maxInputPixels: config.maxInputPixels,
    });
    logger.info("resized", {
      source: `${source.format} ${source.displayWidth}x${source.displayHeight}`,
      thumbnail: `${thumbnail.format} ${thumbnail.width}x${thumbnail.height}`,
      bytes: thumbnail.bytes,
      ms: Date.now() - resizeStarted,
    });

    enter("store");
    await deps.s3.send(
      new PutObjectCommand({
        Bucket: config.thumbnailsBucket,
        Key: job.key,
        Body: thumbnail.data,
        ContentType: thumbnail.contentType,
        CacheControl: THUMBNAIL_CACHE_CONTROL,
      })
    );
    logger.info("stored", { thumbnailBucket: config.thumbnailsBucket, thumbnailKey: job.key });

    return {
      ...base,
      status: "SUCCEEDED",
      sourceBytes,
      thumbnailBucket: config.thumbnailsBucket,
      thumbnailKey: job.key,
      thumbnailContentType: thumbnail.contentType,
      source: {
        width: source.displayWidth,
        height: source.displayHeight,
        bytes: source.bytes,
        format: source.format,
      },
      thumbnail: {
        width: thumbnail.width,
        height: thumbnail.height,
        bytes: thumbnail.bytes,
        format: thumbnail.format,
      },
      ...finishTimes(job, now),
    };
  } catch (error) {
    if (!(error instanceof InputRejectedError)) {
      throw error;
    }
    logger.warn("rejected", { errorKind: error.kind, reason: error.message });

    return {
      ...base,
      status: "FAILED",
      sourceBytes,
      error: { kind: error.kind, reason: error.message },
      ...finishTimes(job, now),
    };
  }
}

function errorKindOf(error: unknown): "transient" | "unexpected" {
  return classifyAwsError(error) === "transient" ? "transient" : "unexpected";
}

/**
 * Logs a retryable error once, stores it on the job and releases the claim.
 * On the last attempt the invocation's failure sends the event to the
 * on-failure destination, and the log says so.
 */
async function giveBack(
  job: Job,
  deps: ProcessorDeps,
  now: () => Date,
  failure: AttemptError & { readonly claimed: boolean; readonly lastAttempt: boolean }
): Promise<void> {
  const { config, logger } = deps;
  const { step, claimed, error } = failure;
  const errorKind = errorKindOf(error);
  logger.error(
    failure.lastAttempt
      ? `${step} failed on the last attempt; the event is left for the on-failure destination`
      : `${step} failed; the job is left for Lambda to retry`,
    { step, errorKind, error }
  );
  if (!claimed) {
    return;
  }

  try {
    await deps.dynamo.send(
      new UpdateCommand(
        releaseJobInput(config.jobsTable, {
          jobId: job.jobId,
          attemptId: job.attemptId,
          errorKind,
          errorReason: describeError(error),
          errorStep: step,
          now: now(),
        })
      )
    );
  } catch (releaseError) {
    logger.warn(
      "could not release the claim; a retry can take the job over once the lease runs out",
      {
        leaseExpiresAt: new Date(job.leaseExpiresAt).toISOString(),
        releaseError: describeError(releaseError),
      }
    );
  }
}
