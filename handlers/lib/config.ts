import { ConfigError } from "./errors";

/** Log levels accepted in LOG_LEVEL (the Powertools logger levels). */
export const LOG_LEVELS = [
  "TRACE",
  "DEBUG",
  "INFO",
  "WARN",
  "ERROR",
  "CRITICAL",
  "SILENT",
] as const;

/** One of LOG_LEVELS. */
export type LogLevelName = (typeof LOG_LEVELS)[number];

/**
 * How long the handlers' AWS SDK calls may wait, in milliseconds. A call that
 * goes past either limit fails with a TimeoutError, which the SDK retries (S3
 * and SNS try a call three times, DynamoDB four) and the handlers treat as
 * transient. Every try of a hung call must fit well inside the function
 * timeout, so that the attempt can still record its error and Lambda's retry
 * finds the job free: with the defaults a hung call gives up after about 15 s
 * (20 s for DynamoDB), inside the processor's 30 s.
 */
export interface ClientTimeouts {
  /** SDK_CONNECTION_TIMEOUT_MS: longest wait for a connection to be set up. Default 3000. */
  readonly connectionTimeoutMs: number;
  /**
   * SDK_REQUEST_TIMEOUT_MS: longest wait from sending a request to the
   * response headers, and longest pause while a response body arrives.
   * Default 5000.
   */
  readonly requestTimeoutMs: number;
}

/** Default of SDK_CONNECTION_TIMEOUT_MS. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 3_000;

/** Default of SDK_REQUEST_TIMEOUT_MS. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

/** Settings of the image processor, read once from the environment at cold start. */
export interface ProcessorConfig extends ClientTimeouts {
  /** THUMBNAILS_BUCKET: where thumbnails are written. */
  readonly thumbnailsBucket: string;
  /** JOBS_TABLE: DynamoDB table of jobs, hash key `jobId` (string). */
  readonly jobsTable: string;
  /** EVENTS_TOPIC_ARN: SNS topic that receives one message per finished job. */
  readonly eventsTopicArn: string;
  /** THUMBNAIL_SIZE: thumbnails fit inside this many pixels square. Default 128. */
  readonly thumbnailSize: number;
  /** MAX_INPUT_BYTES: larger uploads are rejected unread. Default 26214400 (25 MiB). */
  readonly maxInputBytes: number;
  /** MAX_INPUT_PIXELS: images declaring more pixels are rejected. Default 40000000. */
  readonly maxInputPixels: number;
  /** LOG_LEVEL. Default INFO. */
  readonly logLevel: LogLevelName;
  /** POWERTOOLS_SERVICE_NAME. Default `image-processor`. */
  readonly serviceName: string;
  /**
   * MAX_ATTEMPTS: attempts of one job (claims, counted on its record) after
   * which a retryable error ends it FAILED, with a failure message, instead
   * of leaving it for a retry. It should be 1 + the function's asynchronous
   * maximum_retry_attempts, from which the stack sets it. Default 3.
   */
  readonly maxAttempts: number;
}

/** Settings of the analytics logger, read once from the environment at cold start. */
export interface AnalyticsConfig extends ClientTimeouts {
  /** ANALYTICS_BUCKET: the private bucket of the data lake. */
  readonly analyticsBucket: string;
  /** ANALYTICS_PREFIX: key prefix, no slash at either end. Default `image-events`. */
  readonly analyticsPrefix: string;
  /** LOG_LEVEL. Default INFO. */
  readonly logLevel: LogLevelName;
  /** POWERTOOLS_SERVICE_NAME. Default `analytics-logger`. */
  readonly serviceName: string;
}

/** The environment as Node exposes it; tests pass a plain object. */
export type Environment = Readonly<Record<string, string | undefined>>;

function required(env: Environment, name: string, purpose: string): string {
  const value = env[name]?.trim();
  if (!value) {
    throw new ConfigError(name, `Environment variable ${name} is not set: set it to ${purpose}.`);
  }

  return value;
}

function positiveInteger(env: Environment, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) {
    return fallback;
  }
  if (!/^[0-9]+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new ConfigError(
      name,
      `Environment variable ${name} is "${raw}": set it to a whole number of at least 1, ` +
        `or leave it unset for the default ${fallback}.`
    );
  }

  return Number(raw);
}

function clientTimeouts(env: Environment): ClientTimeouts {
  return {
    connectionTimeoutMs: positiveInteger(
      env,
      "SDK_CONNECTION_TIMEOUT_MS",
      DEFAULT_CONNECTION_TIMEOUT_MS
    ),
    requestTimeoutMs: positiveInteger(env, "SDK_REQUEST_TIMEOUT_MS", DEFAULT_REQUEST_TIMEOUT_MS),
  };
}

function logLevel(env: Environment): LogLevelName {
  const raw = env.LOG_LEVEL?.trim().toUpperCase();
  if (!raw) {
    return "INFO";
  }
  const level = LOG_LEVELS.find((candidate) => candidate === raw);
  if (!level) {
    throw new ConfigError(
      "LOG_LEVEL",
      `Environment variable LOG_LEVEL is "${env.LOG_LEVEL}": set it to one of ${LOG_LEVELS.join(
        ", "
      )}.`
    );
  }

  return level;
}

/** Reads the image processor's settings; throws a ConfigError naming the variable to fix. */
export function readProcessorConfig(env: Environment): ProcessorConfig {
  return {
    thumbnailsBucket: required(env, "THUMBNAILS_BUCKET", "the name of the thumbnails bucket"),
    jobsTable: required(env, "JOBS_TABLE", "the name of the jobs DynamoDB table"),
    eventsTopicArn: required(env, "EVENTS_TOPIC_ARN", "the ARN of the image events SNS topic"),
    thumbnailSize: positiveInteger(env, "THUMBNAIL_SIZE", 128),
    maxInputBytes: positiveInteger(env, "MAX_INPUT_BYTES", 26_214_400),
    maxInputPixels: positiveInteger(env, "MAX_INPUT_PIXELS", 40_000_000),
    logLevel: logLevel(env),
    serviceName: env.POWERTOOLS_SERVICE_NAME?.trim() || "image-processor",
    maxAttempts: positiveInteger(env, "MAX_ATTEMPTS", 3),
    ...clientTimeouts(env),
  };
}

/** Reads the analytics logger's settings; throws a ConfigError naming the variable to fix. */
export function readAnalyticsConfig(env: Environment): AnalyticsConfig {
  const analyticsBucket = required(env, "ANALYTICS_BUCKET", "the name of the analytics bucket");
  const prefix = (env.ANALYTICS_PREFIX?.trim() || "image-events").replace(/^\/+|\/+$/g, "");
  if (!prefix) {
    throw new ConfigError(
      "ANALYTICS_PREFIX",
      `Environment variable ANALYTICS_PREFIX is "${env.ANALYTICS_PREFIX}": ` +
        "set it to a key prefix such as image-events, or leave it unset."
    );
  }

  return {
    analyticsBucket,
    analyticsPrefix: prefix,
    logLevel: logLevel(env),
    serviceName: env.POWERTOOLS_SERVICE_NAME?.trim() || "analytics-logger",
    ...clientTimeouts(env),
  };
}
