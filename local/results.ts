import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

import { GetObjectCommand } from "@aws-sdk/client-s3";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";

import { TrackedUpload } from "./job-tracker";
import { LocalPipeline } from "./pipeline";

/** Where one upload's results were written on disk. */
export interface UploadResult {
  readonly upload: TrackedUpload;
  readonly record?: Record<string, unknown>;
  readonly recordPath?: string;
  readonly thumbnailPath?: string;
  readonly analyticsPath?: string;
}

/**
 * Maps an S3 key to a path below `root` that cannot leave it: every segment
 * that is empty, `.` or `..` is spelled out instead of followed.
 */
export function safeJoin(root: string, key: string): string {
  const segments = key.split("/").map((segment) =>
    segment === "" || segment === "." || segment === ".."
      ? `%${[...segment].map(() => "2E").join("%") || "00"}`
      : segment,
  );

  return join(root, ...segments);
}

async function scanAll(pipeline: LocalPipeline): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await pipeline.clients.dynamodb.send(
      new ScanCommand({ TableName: pipeline.outputs.jobsTable, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) items.push(unmarshall(item));
    start = page.LastEvaluatedKey as typeof start;
  } while (start);

  return items;
}

function write(path: string, body: string | Uint8Array): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, body);

  return path;
}

/**
 * Copies what the pipeline produced for each upload out of the emulators:
 * the job record (table item as JSON), the thumbnail and the analytics
 * document, under `outDir`.
 */
export async function exportResults(
  pipeline: LocalPipeline,
  uploads: readonly TrackedUpload[],
  outDir: string,
): Promise<UploadResult[]> {
  const records = await scanAll(pipeline);
  const results: UploadResult[] = [];

  for (const upload of uploads) {
    const record = records.find((item) => item.sourceKey === upload.key);
    const recordPath = record
      ? write(join(outDir, "records", `${String(record.jobId)}.json`), `${JSON.stringify(record, null, 2)}\n`)
      : undefined;
    const analyticsPath =
      upload.analyticsKey && upload.document
        ? write(safeJoin(join(outDir, "analytics"), upload.analyticsKey), `${JSON.stringify(upload.document, null, 2)}\n`)
        : undefined;
    const thumbnailKey = record?.status === "SUCCEEDED" ? record.thumbnailKey : undefined;
    let thumbnailPath: string | undefined;
    if (typeof thumbnailKey === "string") {
      const { Body } = await pipeline.clients.s3.send(
        new GetObjectCommand({ Bucket: pipeline.outputs.thumbnailsBucket, Key: thumbnailKey }),
      );
      thumbnailPath = write(safeJoin(join(outDir, "thumbnails"), thumbnailKey), await Body!.transformToByteArray());
    }
    results.push({ upload, record, recordPath, thumbnailPath, analyticsPath });
  }

  return results;
}
