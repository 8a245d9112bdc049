/** How an error from an AWS call should be handled by the job state machine. */
export type AwsErrorClass = "transient" | "not-found" | "conditional-check" | "other";

const THROTTLING_NAMES = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "BandwidthLimitExceeded",
  "LimitExceededException",
  "SlowDown",
  "EC2ThrottledException",
  "KMSThrottlingException",
  "TransactionInProgressException",
  "PriorRequestNotComplete",
]);

const SERVER_OR_TIMEOUT_NAMES = new Set([
  "InternalError",
  "InternalFailure",
  "InternalServerError",
  "InternalServerErrorException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "RequestAbortedError",
]);

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

const NOT_FOUND_NAMES = new Set(["NoSuchKey", "NotFound", "NoSuchVersion"]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * Sorts an error thrown by an AWS SDK call (or the network under it). Only
 * throttling, 5xx answers, timeouts and dropped connections are transient;
 * access errors and programming errors are not, because retrying cannot fix them.
 */
export function classifyAwsError(error: unknown): AwsErrorClass {
  if (typeof error !== "object" || error === null) {
    return "other";
  }
  const shape = error as ErrorShape;
  const name = typeof shape.name === "string" ? shape.name : "";
  const code = typeof shape.code === "string" ? shape.code : "";
  const status = shape.$metadata?.httpStatusCode;

  if (name === "ConditionalCheckFailedException") {
    return "conditional-check";
  }
  if (NOT_FOUND_NAMES.has(name)) {
    return "not-found";
  }
  if (
    THROTTLING_NAMES.has(name) ||
    SERVER_OR_TIMEOUT_NAMES.has(name) ||
    NETWORK_CODES.has(code) ||
    NETWORK_CODES.has(name) ||
    Boolean(shape.$retryable) ||
    status === 429 ||
    (typeof status === "number" && status >= 500)
  ) {
    return "transient";
  }

  return "other";
}

/** A short, single-line description of any thrown value for logs and job records. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const firstLine = error.message.split("\n")[0] ?? "";

    return firstLine ? `${error.name}: ${firstLine}` : error.name;
  }

  return String(error);
}

/**
 * Whether the service answered the request with an error status. Then it
 * refused the request; without an answer (a timeout, a dropped connection)
 * the request may still have taken effect, a publish may have gone out.
 */
export function answeredByService(error: unknown): boolean {
  const status = (error as ErrorShape | null)?.$metadata?.httpStatusCode;

  return typeof status === "number" && status >= 400;
}
