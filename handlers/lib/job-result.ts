import type { RejectionKind } from "./errors";

/** Final states of a job, as stored in the table and sent in messages. */
export type FinalJobStatus = "SUCCEEDED" | "FAILED";

/** Width, height, size and encoding of an image. */
export interface ImageFacts {
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  readonly format: string;
}

/**
 * The class of a job's failure: a hopeless input, or `retries-exhausted` when
 * its last allowed attempt still hit a retryable error.
 */
export type JobFailureKind = RejectionKind | "retries-exhausted";

/** Why a job failed. */
export interface JobFailure {
  readonly kind: JobFailureKind;
  readonly reason: string;
}

/** Everything known about a finished job; the job record and the message are built from it. */
export interface JobResult {
  readonly jobId: string;
  readonly status: FinalJobStatus;
  readonly sourceBucket: string;
  /** The decoded key (the raw event key when it could not be decoded). */
  readonly sourceKey: string;
  /** Size of the upload in bytes, when known even without a readable header. */
  readonly sourceBytes?: number;
  readonly thumbnailBucket?: string;
  readonly thumbnailKey?: string;
  readonly thumbnailContentType?: string;
  readonly source?: ImageFacts;
  readonly thumbnail?: ImageFacts;
  readonly error?: JobFailure;
  /** ISO time this attempt started. */
  readonly receivedAt: string;
  /** ISO time the outcome was known. */
  readonly finishedAt: string;
  readonly durationMs: number;
}
