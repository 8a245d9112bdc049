import type { CallRecord } from "./call-proxy";

/** One distinct AWS call a function made, named by construct paths so it holds for every stage. */
export interface RecordedCall {
  /** Construct path of the calling function, e.g. `image-processor/function`. */
  readonly function: string;
  /** IAM action, e.g. `s3:GetObject`. */
  readonly action: string;
  /** Construct path of the resource, e.g. `uploads/bucket`, or `*`. */
  readonly resource: string;
  /** For an S3 object: its key, run-specific parts (dates, message ids) replaced. */
  readonly object?: string;
}

type Json = Record<string, Record<string, Record<string, unknown>>>;

/** Maps each named bucket, table, topic, queue and function of a stack to its construct path. */
function pathsByName(stack: { resource?: Json }): Map<string, string> {
  const nameField: Record<string, string> = {
    aws_s3_bucket: "bucket",
    aws_dynamodb_table: "name",
    aws_sns_topic: "name",
    aws_sqs_queue: "name",
    aws_lambda_function: "function_name",
  };
  const paths = new Map<string, string>();
  for (const [type, field] of Object.entries(nameField)) {
    for (const block of Object.values(stack.resource?.[type] ?? {})) {
      const path = String((block["//"] as { metadata?: { path?: string } })?.metadata?.path ?? "");
      paths.set(String(block[field]), path.split("/").slice(1).join("/"));
    }
  }

  return paths;
}

/** The name an ARN gives its resource: bucket, table, topic or queue. */
function resourceName(arn: string): { name: string; object?: string } | undefined {
  const s3 = /^arn:aws:s3:::([^/]+)(?:\/(.+))?$/.exec(arn);
  if (s3) return { name: s3[1], object: s3[2] };
  const table = /^arn:aws:dynamodb:[^:]*:[^:]*:table\/(.+)$/.exec(arn);
  if (table) return { name: table[1] };
  const named = /^arn:aws:(?:sns|sqs):[^:]*:[^:]*:(.+)$/.exec(arn);

  return named ? { name: named[1] } : undefined;
}

/** Replaces what differs from run to run in an object key: dates and UUIDs. */
function stableKey(key: string): string {
  return key
    .replace(/\d{4}-\d{2}-\d{2}/g, "YYYY-MM-DD")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "MESSAGE-ID");
}

/**
 * Turns the calls of a local-mode run into the distinct (function, action,
 * resource) triples, named by construct path, sorted: the same run gives the
 * same list. A resource the stack does not declare keeps its ARN, so that a
 * call to anything outside the stack shows up as such.
 */
export function recordedCalls(
  calls: readonly CallRecord[],
  localStack: { resource?: Json },
): RecordedCall[] {
  const paths = pathsByName(localStack);
  const distinct = new Map<string, RecordedCall>();
  for (const call of calls) {
    const named = resourceName(call.resource);
    const entry: RecordedCall = {
      function: paths.get(call.functionName) ?? call.functionName,
      action: call.action,
      resource: (named && paths.get(named.name)) ?? call.resource,
      ...(named?.object !== undefined ? { object: stableKey(named.object) } : {}),
    };
    distinct.set(JSON.stringify(entry), entry);
  }

  return [...distinct.values()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
