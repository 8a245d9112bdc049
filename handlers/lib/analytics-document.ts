import { createHash } from "node:crypto";

import type { SNSEventRecord } from "aws-lambda";

/** Version of the analytics document layout. */
export const ANALYTICS_SCHEMA_VERSION = 1;

/** Kinds of events in the data lake. */
export type AnalyticsEventType = "image-processed" | "image-failed" | "unknown";

/** Image facts as far as the message gave them. */
export interface AnalyticsImageFacts {
  readonly width?: number;
  readonly height?: number;
  readonly bytes?: number;
  readonly format?: string;
}

/** One document of the data lake: one SNS message about one job. */
export interface AnalyticsDocument {
  readonly schemaVersion: typeof ANALYTICS_SCHEMA_VERSION;
  readonly eventType: AnalyticsEventType;
  /** True when the message body was not a JSON object; `rawMessage` then holds it. */
  readonly malformed: boolean;
  readonly jobId?: string;
  readonly status?: string;
  readonly sourceBucket?: string;
  readonly sourceKey?: string;
  readonly thumbnailBucket?: string;
  readonly thumbnailKey?: string;
  readonly source?: AnalyticsImageFacts;
  readonly thumbnail?: AnalyticsImageFacts;
  readonly error?: { readonly kind?: string; readonly reason?: string };
  readonly durations: {
    /** Processing time reported by the image processor. */
    readonly processingMs?: number;
    /** From SNS accepting the message to this logger receiving it. */
    readonly deliveryLagMs?: number;
  };
  readonly sns: {
    readonly messageId: string;
    readonly topicArn: string;
    readonly subject?: string;
    readonly timestamp: string;
  };
  readonly timestamps: {
    readonly jobReceivedAt?: string;
    readonly jobFinishedAt?: string;
    readonly publishedAt: string;
  };
  /** When the analytics logger received the message. */
  readonly receivedAt: string;
  /** The parsed message as sent, kept whole so that no field is lost to this layout. */
  readonly message?: Readonly<Record<string, unknown>>;
  readonly rawMessage?: string;
  readonly parseError?: string;
}

/** The outcome of reading an SNS message body. */
export type ParsedMessage =
  | { readonly ok: true; readonly body: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly raw: string; readonly error: string };

/** Parses a message body; anything but a JSON object is reported, with the text kept. */
export function parseMessageBody(raw: string): ParsedMessage {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return { ok: false, raw, error: `not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      raw,
      error: `JSON but not an object (${Array.isArray(value) ? "array" : typeof value})`,
    };
  }

  return { ok: true, body: value as Record<string, unknown> };
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function imageFacts(value: unknown): AnalyticsImageFacts | undefined {
  if (typeof value !== "object" || value === null) {
    return undefined;
  }
  const facts = value as Record<string, unknown>;

  return {
    width: count(facts.width),
    height: count(facts.height),
    bytes: count(facts.bytes),
    format: text(facts.format),
  };
}

function failure(value: unknown): AnalyticsDocument["error"] {
  if (typeof value === "string") {
    return { reason: value };
  }
  if (typeof value === "object" && value !== null) {
    const error = value as Record<string, unknown>;

    return { kind: text(error.kind), reason: text(error.reason) };
  }

  return undefined;
}

/** The status in the body decides; the subject only when the body has no usable status. */
function eventTypeOf(status: string | undefined, subject: string | undefined): AnalyticsEventType {
  if (status === "SUCCEEDED") {
    return "image-processed";
  }
  if (status === "FAILED") {
    return "image-failed";
  }
  if (!status && (subject === "image-processed" || subject === "image-failed")) {
    return subject;
  }

  return "unknown";
}

/** Builds the analytics document of one SNS record. */
export function buildAnalyticsDocument(
  record: SNSEventRecord,
  receivedAt: Date
): AnalyticsDocument {
  const sns = record.Sns;
  const parsed = parseMessageBody(sns.Message ?? "");
  const body = parsed.ok ? parsed.body : {};
  const status = text(body.status);
  const subject = text(sns.Subject);
  const publishedMs = Date.parse(sns.Timestamp);

  return {
    schemaVersion: ANALYTICS_SCHEMA_VERSION,
    eventType: eventTypeOf(status, subject),
    malformed: !parsed.ok,
    jobId: text(body.jobId),
    status,
    sourceBucket: text(body.sourceBucket),
    sourceKey: text(body.sourceKey),
    thumbnailBucket: text(body.thumbnailBucket),
    thumbnailKey: text(body.thumbnailKey),
    source: imageFacts(body.source),
    thumbnail: imageFacts(body.thumbnail),
    error: failure(body.error),
    durations: {
      processingMs: count(body.durationMs),
      deliveryLagMs: Number.isNaN(publishedMs) ? undefined : receivedAt.getTime() - publishedMs,
    },
    sns: {
      messageId: sns.MessageId,
      topicArn: sns.TopicArn,
      subject,
      timestamp: sns.Timestamp,
    },
    timestamps: {
      jobReceivedAt: text(body.receivedAt),
      jobFinishedAt: text(body.finishedAt),
      publishedAt: sns.Timestamp,
    },
    receivedAt: receivedAt.toISOString(),
    ...(parsed.ok
      ? { message: parsed.body }
      : { rawMessage: parsed.raw, parseError: parsed.error }),
  };
}

function partitionDate(snsTimestamp: string, fallback: Date): string {
  const parsed = new Date(snsTimestamp);
  const date = Number.isNaN(parsed.getTime()) ? fallback : parsed;

  return date.toISOString().slice(0, 10);
}

function safeObjectName(messageId: string): string {
  return /^[A-Za-z0-9._-]{1,200}$/.test(messageId) && !/^\.+$/.test(messageId)
    ? messageId
    : createHash("sha256").update(messageId).digest("hex");
}

/**
 * Key of a document: `<prefix>/dt=YYYY-MM-DD/<MessageId>.json`, the date being
 * the UTC day SNS accepted the message. Both parts come from the message, so a
 * redelivery of the same message overwrites its document. A MessageId that
 * is not a plain token (SNS sends UUIDs) is replaced by its SHA-256, so it
 * can never add path segments.
 */
export function analyticsObjectKey(
  prefix: string,
  record: SNSEventRecord,
  receivedAt: Date
): string {
  const sns = record.Sns;

  return `${prefix}/dt=${partitionDate(sns.Timestamp, receivedAt)}/${safeObjectName(
    sns.MessageId
  )}.json`;
}
