import { readFileSync } from "node:fs";

import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";

import { S3rverEvent } from "./emulators";
import { LocalPipeline } from "./pipeline";

/** One input file on its way through the pipeline. */
export interface TrackedUpload {
  readonly file: string;
  readonly key: string;
  bytes: number;
  uploadedAt?: number;
  /** When the analytics document for this upload appeared. */
  finishedAt?: number;
  analyticsKey?: string;
  document?: Record<string, unknown>;
  /** Analytics documents beyond the first for the same upload: should stay 0. */
  duplicates: number;
  /** Why the file was not uploaded, when it was not. */
  notUploaded?: { readonly status: "SKIPPED" | "UPLOAD_FAILED"; readonly reason: string };
}

/**
 * s3rver stores every key segment as a file name, with a suffix of up to 19
 * bytes for its metadata files, and file systems allow 255 bytes per name;
 * S3 itself takes keys of up to 1,024 bytes with segments of any length.
 */
export const EMULATOR_MAX_SEGMENT_BYTES = 236;

/** Why the S3 emulator cannot store a key, or undefined when it can. */
export function emulatorKeyProblem(key: string): string | undefined {
  const longest = Math.max(...key.split("/").map((segment) => Buffer.byteLength(segment)));
  if (longest <= EMULATOR_MAX_SEGMENT_BYTES) return undefined;

  return (
    `the local S3 emulator keeps each part of a key between slashes as a file name and cannot store ` +
    `one of ${longest} bytes (limit ${EMULATOR_MAX_SEGMENT_BYTES}); S3 itself accepts it`
  );
}

/** How long the pipeline may stay idle, with uploads unfinished, before they count as lost. */
export const IDLE_GIVE_UP_MS = 5000;

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

  /**
   * Stores one file under `key` in the uploads bucket. A file that cannot be
   * read or stored is recorded as not uploaded, with the reason, and the run
   * goes on with the others.
   */
  async upload(file: string, key: string): Promise<TrackedUpload> {
    if (this.byKey.has(key)) throw new Error(`two inputs map to the same key "${key}"`);
    const tracked: TrackedUpload = { file, key, bytes: 0, duplicates: 0 };
    this.byKey.set(key, tracked);
    const keyProblem = emulatorKeyProblem(key);
    if (keyProblem) {
      tracked.notUploaded = { status: "SKIPPED", reason: keyProblem };

      return tracked;
    }
    try {
      const body = readFileSync(file);
      tracked.bytes = body.length;
      tracked.uploadedAt = performance.now();
      await this.pipeline.clients.s3.send(
        new PutObjectCommand({ Bucket: this.pipeline.outputs.uploadsBucket, Key: key, Body: body }),
      );
    } catch (error) {
      tracked.notUploaded = { status: "UPLOAD_FAILED", reason: (error as Error).message };
    }

    return tracked;
  }

  /**
   * Resolves when every upload has its document; at the deadline; when the
   * signal aborts; or when nothing has been under way for a while with uploads
   * still unfinished, since then nothing more will come for them. Says
   * whether the deadline was what ended the wait.
   */
  async waitForAll(
    timeoutMs: number,
    onProgress?: (done: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<{ timedOut: boolean }> {
    const deadline = Date.now() + timeoutMs;
    let reported = -1;
    let lastActivity = Date.now();
    for (;;) {
      await Promise.all(this.reads);
      const done = this.uploads.filter((u) => u.document || u.notUploaded).length;
      if (done !== reported || this.pipeline.inFlight.size > 0) lastActivity = Date.now();
      if (done !== reported) onProgress?.(done, this.byKey.size);
      reported = done;
      const idle = Date.now() - lastActivity > IDLE_GIVE_UP_MS;
      if (done === this.byKey.size || Date.now() > deadline || idle || signal?.aborted) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const timedOut = reported < this.byKey.size && Date.now() > deadline;
    // A late duplicate would show up just after the last document.
    if (!signal?.aborted) await this.pipeline.settle(300, deadline);
    await Promise.all(this.reads);

    return { timedOut };
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
