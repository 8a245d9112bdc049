import { readFileSync } from "node:fs";

import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";

import { S3rverEvent } from "./emulators";
import { LocalPipeline } from "./pipeline";

/** One input file on its way through the pipeline. */
export interface TrackedUpload {
  readonly file: string;
  readonly key: string;
  readonly bytes: number;
  uploadedAt?: number;
  /** When the analytics document for this upload appeared. */
  finishedAt?: number;
  analyticsKey?: string;
  document?: Record<string, unknown>;
  /** Analytics documents beyond the first for the same upload: should stay 0. */
  duplicates: number;
}

/** The source key an analytics document speaks of, wherever its schema keeps it. */
export function documentSourceKey(document: Record<string, unknown>): string | undefined {
  const source = document.source as Record<string, unknown> | undefined;
  const value = document.sourceKey ?? source?.key;

  return typeof value === "string" ? value : undefined;
}

/**
 * Uploads files into the pipeline's uploads bucket and follows each one to
 * its analytics document, which is the last thing the pipeline writes.
 */
export class JobTracker {
  private readonly byKey = new Map<string, TrackedUpload>();
  private readonly reads: Promise<void>[] = [];
  /** Analytics documents that matched no upload of this run. */
  readonly strayDocuments: string[] = [];

  constructor(private readonly pipeline: LocalPipeline) {
    pipeline.onS3Event((event) => this.onEvent(event));
  }

  get uploads(): TrackedUpload[] {
    return [...this.byKey.values()];
  }

  /** Stores one file under `key` in the uploads bucket. */
  async upload(file: string, key: string): Promise<TrackedUpload> {
    if (this.byKey.has(key)) throw new Error(`two inputs map to the same key "${key}"`);
    const body = readFileSync(file);
    const tracked: TrackedUpload = { file, key, bytes: body.length, duplicates: 0 };
    this.byKey.set(key, tracked);
    tracked.uploadedAt = performance.now();
    await this.pipeline.clients.s3.send(
      new PutObjectCommand({ Bucket: this.pipeline.outputs.uploadsBucket, Key: key, Body: body }),
    );

    return tracked;
  }

  /** Resolves when every upload has its document, or at the deadline. */
  async waitForAll(timeoutMs: number, onProgress?: (done: number, total: number) => void): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let reported = -1;
    for (;;) {
      await Promise.all(this.reads);
      const done = this.uploads.filter((u) => u.document).length;
      if (done !== reported) onProgress?.(done, this.byKey.size);
      reported = done;
      if (done === this.byKey.size || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // A late duplicate would show up just after the last document.
    await this.pipeline.settle();
    await Promise.all(this.reads);
  }

  private onEvent(event: S3rverEvent): void {
    for (const record of event.Records) {
      if (record.s3.bucket.name !== this.pipeline.outputs.analyticsBucket) continue;
      if (!record.eventName.startsWith("ObjectCreated")) continue;
      const seenAt = performance.now();
      this.reads.push(this.read(record.s3.object.key, seenAt));
    }
  }

  private async read(analyticsKey: string, seenAt: number): Promise<void> {
    const { Body } = await this.pipeline.clients.s3.send(
      new GetObjectCommand({ Bucket: this.pipeline.outputs.analyticsBucket, Key: analyticsKey }),
    );
    const document = JSON.parse(await Body!.transformToString()) as Record<string, unknown>;
    const key = documentSourceKey(document);
    const tracked = key === undefined ? undefined : this.byKey.get(key);
    if (!tracked) {
      this.strayDocuments.push(analyticsKey);
      return;
    }
    if (tracked.document) {
      tracked.duplicates += 1;
      return;
    }
    tracked.document = document;
    tracked.analyticsKey = analyticsKey;
    tracked.finishedAt = seenAt;
  }
}
