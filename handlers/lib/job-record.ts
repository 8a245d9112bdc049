import type { GetCommandInput, UpdateCommandInput } from "@aws-sdk/lib-dynamodb";

import type { JobResult } from "./job-result";

/** Every value the `status` attribute of a job item takes. */
export const JOB_STATUS = {
  processing: "PROCESSING",
  retryPending: "RETRY_PENDING",
  succeeded: "SUCCEEDED",
  failed: "FAILED",
} as const;

/** One of JOB_STATUS. */
export type JobStatus = (typeof JOB_STATUS)[keyof typeof JOB_STATUS];

/** What an attempt writes when it claims a job. */
export interface JobClaim {
  readonly jobId: string;
  /** Random id of this attempt; later writes of the attempt are conditional on it. */
  readonly attemptId: string;
  readonly sourceBucket: string;
  readonly sourceKey: string;
  readonly sourceVersionId?: string;
  readonly sourceSequencer?: string;
  readonly sourceETag?: string;
  readonly sourceBytes?: number;
  readonly now: Date;
  /** Epoch milliseconds after which another attempt may take the job over. */
  readonly leaseExpiresAt: number;
}

/** What an attempt writes when it gives a job back after a retryable error. */
export interface JobRelease {
  readonly jobId: string;
  readonly attemptId: string;
  /** `transient` or `unexpected`. */
  readonly errorKind: string;
  readonly errorReason: string;
  /** The step that failed: claim, download, store, publish, record. */
  readonly errorStep: string;
  readonly now: Date;
}

/**
 * Collects attribute names and values for one DynamoDB expression. Every
 * attribute goes through ExpressionAttributeNames, so no attribute name can
 * collide with one of DynamoDB's reserved words (`status`, `size`, `name`...).
 */
class ExpressionParts {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private valueCount = 0;

  name(attribute: string): string {
    const placeholder = `#${attribute}`;
    this.names[placeholder] = attribute;

    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${this.valueCount}`;
    this.valueCount += 1;
    this.values[placeholder] = value;

    return placeholder;
  }

  assignments(fields: Readonly<Record<string, unknown>>): string[] {
    return Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([attribute, value]) => `${this.name(attribute)} = ${this.value(value)}`);
  }
}

/**
 * The conditional write that claims a job for one attempt. It succeeds when
 * the job is new, or when it is unfinished and the previous attempt's lease
 * has run out (crashed or timed-out attempt) or was given back (retryable
 * error). It fails with ConditionalCheckFailedException for a finished job and
 * for a job that another attempt holds right now. An update rather than a put
 * keeps the first receipt time and counts attempts across retries; the answer
 * carries the new count (`Attributes.attempts`).
 */
export function claimJobInput(tableName: string, claim: JobClaim): UpdateCommandInput {
  const parts = new ExpressionParts();
  const nowIso = claim.now.toISOString();
  const sets = parts.assignments({
    status: JOB_STATUS.processing,
    sourceBucket: claim.sourceBucket,
    sourceKey: claim.sourceKey,
    sourceVersionId: claim.sourceVersionId,
    sourceSequencer: claim.sourceSequencer,
    sourceETag: claim.sourceETag,
    sourceBytes: claim.sourceBytes,
    attemptId: claim.attemptId,
    attemptStartedAt: nowIso,
    leaseExpiresAt: claim.leaseExpiresAt,
    updatedAt: nowIso,
  });
  const receivedAt = parts.name("receivedAt");
  sets.push(`${receivedAt} = if_not_exists(${receivedAt}, ${parts.value(nowIso)})`);
  const add = `${parts.name("attempts")} ${parts.value(1)}`;
  const condition =
    `attribute_not_exists(${parts.name("jobId")}) OR ` +
    `(${parts.name("status")} IN (${parts.value(JOB_STATUS.processing)}, ${parts.value(
      JOB_STATUS.retryPending
    )}) ` +
    `AND ${parts.name("leaseExpiresAt")} < ${parts.value(claim.now.getTime())})`;

  return {
    TableName: tableName,
    Key: { jobId: claim.jobId },
    UpdateExpression: `SET ${sets.join(", ")} ADD ${add}`,
    ConditionExpression: condition,
    ExpressionAttributeNames: parts.names,
    ExpressionAttributeValues: parts.values,
    ReturnValues: "UPDATED_NEW",
  };
}

/** A strongly consistent read of a job, used after a claim was refused to say why. */
export function readJobInput(tableName: string, jobId: string): GetCommandInput {
  return {
    TableName: tableName,
    Key: { jobId },
    ConsistentRead: true,
  };
}

/**
 * The write that finishes a job as SUCCEEDED or FAILED with everything known
 * about it. It only applies while this attempt still holds the job, so a
 * late attempt can never overwrite the outcome of another.
 */
export function completeJobInput(
  tableName: string,
  attemptId: string,
  result: JobResult
): UpdateCommandInput {
  const parts = new ExpressionParts();
  const sets = parts.assignments({
    status: result.status,
    sourceBytes: result.source?.bytes ?? result.sourceBytes,
    sourceWidth: result.source?.width,
    sourceHeight: result.source?.height,
    sourceFormat: result.source?.format,
    thumbnailBucket: result.thumbnailBucket,
    thumbnailKey: result.thumbnailKey,
    thumbnailContentType: result.thumbnailContentType,
    thumbnailWidth: result.thumbnail?.width,
    thumbnailHeight: result.thumbnail?.height,
    thumbnailBytes: result.thumbnail?.bytes,
    thumbnailFormat: result.thumbnail?.format,
    errorKind: result.error?.kind,
    errorReason: result.error?.reason,
    durationMs: result.durationMs,
    finishedAt: result.finishedAt,
    updatedAt: result.finishedAt,
  });
  const condition =
    `${parts.name("attemptId")} = ${parts.value(attemptId)} AND ` +
    `${parts.name("status")} = ${parts.value(JOB_STATUS.processing)}`;

  return {
    TableName: tableName,
    Key: { jobId: result.jobId },
    UpdateExpression: `SET ${sets.join(", ")} REMOVE ${parts.name("leaseExpiresAt")}`,
    ConditionExpression: condition,
    ExpressionAttributeNames: parts.names,
    ExpressionAttributeValues: parts.values,
  };
}

/**
 * The write that records a retryable error on the job and gives the claim
 * back (lease set to 0), so that the retry of the invocation can claim it at
 * once instead of waiting for the lease to run out.
 */
export function releaseJobInput(tableName: string, release: JobRelease): UpdateCommandInput {
  const parts = new ExpressionParts();
  const nowIso = release.now.toISOString();
  const sets = parts.assignments({
    status: JOB_STATUS.retryPending,
    lastErrorKind: release.errorKind,
    lastErrorReason: release.errorReason,
    lastErrorStep: release.errorStep,
    lastErrorAt: nowIso,
    leaseExpiresAt: 0,
    updatedAt: nowIso,
  });
  const condition =
    `${parts.name("attemptId")} = ${parts.value(release.attemptId)} AND ` +
    `${parts.name("status")} = ${parts.value(JOB_STATUS.processing)}`;

  return {
    TableName: tableName,
    Key: { jobId: release.jobId },
    UpdateExpression: `SET ${sets.join(", ")}`,
    ConditionExpression: condition,
    ExpressionAttributeNames: parts.names,
    ExpressionAttributeValues: parts.values,
  };
}

/** Why a claim was refused, read from the stored item. */
export type RefusalReason = "duplicate" | "in-progress";

/** Tells a finished job (a duplicate delivery) from one another attempt is working on. */
export function refusalReason(item: Readonly<Record<string, unknown>> | undefined): RefusalReason {
  const status = item?.status;

  return status === JOB_STATUS.succeeded || status === JOB_STATUS.failed
    ? "duplicate"
    : "in-progress";
}
