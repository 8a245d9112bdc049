/** Where in the pipeline an error happened, carried on every PipelineError. */
export interface PipelineErrorContext {
  readonly bucket?: string;
  readonly key?: string;
  readonly jobId?: string;
}

/** Base class of every error this package throws on purpose. */
export class PipelineError extends Error {
  /** Bucket, key and jobId of the job the error belongs to, when known. */
  readonly context: PipelineErrorContext;

  constructor(message: string, options: { cause?: unknown; context?: PipelineErrorContext } = {}) {
    super(message, { cause: options.cause });
    this.name = "PipelineError";
    this.context = options.context ?? {};
  }
}

/**
 * Why an input can never become a thumbnail. Retrying does not help with any
 * of these, so the job ends FAILED and the handler returns normally.
 */
export type RejectionKind =
  | "empty"
  | "too-large"
  | "too-many-pixels"
  | "unsupported-format"
  | "corrupt"
  | "truncated"
  | "invalid-key"
  | "source-missing";

/** A hopeless input: the job ends FAILED with `kind` and a readable reason. */
export class InputRejectedError extends PipelineError {
  /** The class of problem, stored on the job and sent in the failure message. */
  readonly kind: RejectionKind;

  constructor(
    kind: RejectionKind,
    message: string,
    options: { cause?: unknown; context?: PipelineErrorContext } = {}
  ) {
    super(message, options);
    this.name = "InputRejectedError";
    this.kind = kind;
  }
}

/** A required environment variable is missing or holds an unusable value. */
export class ConfigError extends PipelineError {
  /** The environment variable to set or fix. */
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(message);
    this.name = "ConfigError";
    this.variable = variable;
  }
}

/**
 * Thrown by a handler after every record of the event was attempted, when at
 * least one of them hit an error that a retry of the invocation can fix.
 */
export class RetryableBatchError extends PipelineError {
  /** Job ids (or raw keys when no job id exists) of the records to retry. */
  readonly failedRecords: readonly string[];

  constructor(failedRecords: readonly string[], total: number, cause?: unknown, message?: string) {
    super(
      message ??
        `${failedRecords.length} of ${total} record(s) hit a retryable error; ` +
          "the invocation fails so that Lambda retries the event",
      { cause }
    );
    this.name = "RetryableBatchError";
    this.failedRecords = failedRecords;
  }
}

/**
 * Thrown by the image processor after every record of the event was
 * attempted, when at least one job was held by another attempt's live lease
 * ("in progress"). That attempt may have been killed at the function timeout
 * while holding the job, so the delivery cannot count as done: Lambda retries
 * the event later, once the lease has run out, or sends it to the on-failure
 * destination if it never does.
 */
export class JobInProgressError extends RetryableBatchError {
  /** Job ids of the records whose job another attempt holds. */
  readonly inProgressRecords: readonly string[];

  constructor(
    failedRecords: readonly string[],
    inProgressRecords: readonly string[],
    total: number
  ) {
    super(
      failedRecords,
      total,
      undefined,
      `${inProgressRecords.length} of ${total} record(s) belong to a job another attempt holds` +
        (failedRecords.length > inProgressRecords.length
          ? ` and ${failedRecords.length - inProgressRecords.length} hit a retryable error`
          : "") +
        "; the invocation fails so that Lambda retries the event once the lease has run out"
    );
    this.name = "JobInProgressError";
    this.inProgressRecords = inProgressRecords;
  }
}
