import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { GetQueueUrlCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import sharp from "sharp";

import type { FailedInvocationRecord } from "../async-invoker";
import type { LocalPipeline } from "../pipeline";

/** A thumbnail object as stored. */
export interface ThumbnailEntry {
  readonly key: string;
  readonly bytes: number;
  readonly contentType?: string;
  readonly width?: number;
  readonly height?: number;
}

/** The fields of an analytics document that a verdict needs. */
export interface AnalyticsEntry {
  readonly key: string;
  readonly messageId?: string;
  readonly jobId?: string;
  readonly status?: string;
  readonly sourceKey?: string;
  readonly errorKind?: string;
  readonly errorReason?: string;
}

/** One record read off a function's on-failure queue. */
export interface FailureEntry {
  readonly functionName: string;
  readonly record: FailedInvocationRecord;
}

/** Everything the pipeline left in the emulators after a run. */
export interface Inventory {
  readonly jobs: Record<string, unknown>[];
  readonly thumbnails: ThumbnailEntry[];
  readonly analytics: AnalyticsEntry[];
  readonly failures: FailureEntry[];
}

async function listKeys(
  pipeline: LocalPipeline,
  bucket: string,
): Promise<{ key: string; bytes: number }[]> {
  const objects: { key: string; bytes: number }[] = [];
  let token: string | undefined;
  do {
    const page = await pipeline.clients.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    for (const item of page.Contents ?? []) objects.push({ key: item.Key!, bytes: item.Size ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);

  return objects;
}

async function getBytes(pipeline: LocalPipeline, bucket: string, key: string) {
  const answer = await pipeline.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));

  return {
    contentType: answer.ContentType,
    body: Buffer.from(await answer.Body!.transformToByteArray()),
  };
}

async function scanJobs(pipeline: LocalPipeline): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await pipeline.clients.dynamodb.send(
      new ScanCommand({
        TableName: pipeline.outputs.jobsTable,
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    for (const item of page.Items ?? []) items.push(unmarshall(item));
    start = page.LastEvaluatedKey as typeof start;
  } while (start);

  return items;
}

async function readAnalytics(pipeline: LocalPipeline): Promise<AnalyticsEntry[]> {
  const bucket = pipeline.outputs.analyticsBucket;
  const entries: AnalyticsEntry[] = [];
  for (const { key } of await listKeys(pipeline, bucket)) {
    const document = JSON.parse((await getBytes(pipeline, bucket, key)).body.toString("utf8")) as {
      jobId?: string;
      status?: string;
      sourceKey?: string;
      error?: { kind?: string; reason?: string };
      sns?: { messageId?: string };
    };
    entries.push({
      key,
      messageId: document.sns?.messageId,
      jobId: document.jobId,
      status: document.status,
      sourceKey: document.sourceKey,
      errorKind: document.error?.kind,
      errorReason: document.error?.reason,
    });
  }

  return entries;
}

async function readThumbnails(
  pipeline: LocalPipeline,
  inspect: boolean,
): Promise<ThumbnailEntry[]> {
  const bucket = pipeline.outputs.thumbnailsBucket;
  const listed = await listKeys(pipeline, bucket);
  if (!inspect) return listed;

  return Promise.all(
    listed.map(async ({ key, bytes }) => {
      const { contentType, body } = await getBytes(pipeline, bucket, key);
      const { width, height } = await sharp(body).metadata();

      return { key, bytes, contentType, width, height };
    }),
  );
}

/** Drains every on-failure queue of the stack's functions. */
async function drainFailureQueues(pipeline: LocalPipeline): Promise<FailureEntry[]> {
  const entries: FailureEntry[] = [];
  const { model, clients } = pipeline;
  for (const config of model.invokeConfigs) {
    const queue = model.queues.find((q) => q.address === config.onFailureQueueAddress);
    const fn = model.functions.find((f) => f.address === config.functionAddress);
    if (!queue || !fn) continue;
    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: queue.name }));
    for (;;) {
      const { Messages = [] } = await clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 900,
        }),
      );
      if (Messages.length === 0) break;
      for (const message of Messages) {
        entries.push({
          functionName: fn.name,
          record: JSON.parse(message.Body ?? "{}") as FailedInvocationRecord,
        });
      }
    }
  }

  return entries;
}

/**
 * Reads what a run left behind: every job record, every thumbnail (with its
 * size when `inspectThumbnails`), every analytics document and every record
 * on the functions' on-failure queues (read through SQS, as an operator would).
 */
export async function takeInventory(
  pipeline: LocalPipeline,
  inspectThumbnails: boolean,
): Promise<Inventory> {
  return {
    jobs: await scanJobs(pipeline),
    thumbnails: await readThumbnails(pipeline, inspectThumbnails),
    analytics: await readAnalytics(pipeline),
    failures: await drainFailureQueues(pipeline),
  };
}
