import { randomBytes } from "node:crypto";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import {
  DeleteCommand,
  GetCommand,
  ScanCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import sharp from "sharp";
import { computeJobId } from "../../handlers/lib/job-id";
import { pollUntil, type PollOutcome } from "./poll";
import { publicObjectUrl, type VerifyTarget } from "./verify-target";

/** How one check ended. `skip` means an earlier failure left nothing to check. */
export type CheckStatus = "ok" | "fail" | "skip";

/** One line of the verify report. */
export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** How long the check took, waits included, in milliseconds. */
  readonly elapsedMs: number;
}

/** The clients verify uses, injectable for tests. */
export interface VerifyClients {
  readonly s3: S3Client;
  readonly documents: DynamoDBDocumentClient;
  /** Anonymous HTTP GET, for the public-read check. */
  readonly fetch: typeof fetch;
}

/** How {@link verifyStack} runs. */
export interface VerifyOptions {
  /** Each wait (thumbnail, record, document) gives up after this long, in milliseconds. */
  readonly timeoutMs: number;
  /** Pause between two looks while waiting, in milliseconds. Default: 500. */
  readonly intervalMs?: number;
  /** Leave the uploads, thumbnail, documents and records in place. Default: false. */
  readonly keep?: boolean;
  /** Folder name under `verify/` for this run's keys. Default: time and a random suffix. */
  readonly runId?: string;
  /** Called as soon as each check ends. */
  readonly onResult?: (result: CheckResult) => void;
}

/** Width and height of the test image; its thumbnail must be 128x96. */
export const TEST_IMAGE = { width: 640, height: 480, thumbnailLongSide: 128 } as const;

/** Slack for clocks and S3's LastModified rounding when looking for new analytics documents. */
const CLOCK_SLACK_MS = 5 * 60 * 1000;

interface Upload {
  readonly key: string;
  readonly versionId?: string;
  readonly at: number;
}

type JobItem = Record<string, unknown>;

/** Makes the test image: noise, so that no encoder can shrink it to nothing. */
export function makeTestImage(): Promise<Buffer> {
  return sharp({
    create: {
      width: TEST_IMAGE.width,
      height: TEST_IMAGE.height,
      channels: 3,
      background: "#808080",
      noise: { type: "gaussian", mean: 128, sigma: 40 },
    },
  })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** An SDK or network error as `Name: message`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;

  return String(error);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function timedOut(outcome: PollOutcome<unknown>, what: string, extra = ""): string {
  const cause = outcome.lastError ? `; last error ${describeError(outcome.lastError)}` : "";

  return `${what} not there after ${seconds(outcome.elapsedMs)}${extra}${cause}`;
}

/** UTC dates (YYYY-MM-DD) from `since` to now, the partitions a new document can be in. */
export function partitionDates(since: number, now = Date.now()): string[] {
  const dates: string[] = [];
  const day = 24 * 60 * 60 * 1000;
  for (let t = Math.floor(since / day) * day; t <= now; t += day) {
    dates.push(new Date(t).toISOString().slice(0, 10));
  }

  return dates;
}

/**
 * Runs the checks an evaluator runs against a deployed pipeline: a test
 * image goes into the uploads bucket and verify waits for its thumbnail
 * (checking its size and that an anonymous GET reads it), its SUCCEEDED job
 * record and its analytics document; then a file that is not an image, its
 * FAILED record and its document. Finally it removes what it created.
 * Every check reports one {@link CheckResult}; none throws.
 */
export async function verifyStack(
  target: VerifyTarget,
  clients: VerifyClients,
  options: VerifyOptions
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const poll = { timeoutMs: options.timeoutMs, intervalMs: options.intervalMs ?? 500 };
  const runId =
    options.runId ??
    `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}`;
  const created = {
    uploads: [] as Upload[],
    thumbnails: [] as string[],
    documents: [] as string[],
    jobs: [] as string[],
  };

  const check = async (
    name: string,
    body: () => Promise<[CheckStatus, string]>
  ): Promise<boolean> => {
    const started = performance.now();
    let outcome: [CheckStatus, string];
    try {
      outcome = await body();
    } catch (error) {
      outcome = ["fail", describeError(error)];
    }
    const result = {
      name,
      status: outcome[0],
      detail: outcome[1],
      elapsedMs: performance.now() - started,
    };
    results.push(result);
    options.onResult?.(result);

    return result.status === "ok";
  };
  const skip = (name: string, why: string) => check(name, async () => ["skip", why]);

  const upload = async (key: string, body: Buffer): Promise<Upload> => {
    const at = Date.now();
    const { VersionId } = await clients.s3.send(
      new PutObjectCommand({
        Bucket: target.uploadsBucket,
        Key: key,
        Body: body,
        ContentType: "image/jpeg",
      })
    );
    const done = { key, versionId: VersionId, at };
    created.uploads.push(done);

    return done;
  };

  const findJob = async (source: Upload): Promise<JobItem | undefined> => {
    if (source.versionId) {
      const jobId = computeJobId({
        bucket: target.uploadsBucket,
        key: source.key,
        versionId: source.versionId,
      });
      const { Item } = await clients.documents.send(
        new GetCommand({ TableName: target.jobsTable, Key: { jobId }, ConsistentRead: true })
      );

      return Item;
    }
    let start: Record<string, unknown> | undefined;
    do {
      const page = await clients.documents.send(
        new ScanCommand({
          TableName: target.jobsTable,
          FilterExpression: "#sourceKey = :key",
          ExpressionAttributeNames: { "#sourceKey": "sourceKey" },
          ExpressionAttributeValues: { ":key": source.key },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        })
      );
      if (page.Items && page.Items.length > 0) return page.Items[0];
      start = page.LastEvaluatedKey;
    } while (start);

    return undefined;
  };

  const checkJob = (name: string, source: Upload, expected: "SUCCEEDED" | "FAILED") =>
    check(name, async () => {
      let lastStatus = "no record";
      const outcome = await pollUntil(async () => {
        const item = await findJob(source);
        if (item === undefined) return undefined;
        lastStatus = String(item.status);

        return ["SUCCEEDED", "FAILED"].includes(lastStatus) ? item : undefined;
      }, poll);
      const lookup = source.versionId ? "GetItem by jobId" : "Scan by sourceKey";
      const item = outcome.value;
      if (item === undefined) {
        return ["fail", timedOut(outcome, "final job record", ` (last seen: ${lastStatus})`)];
      }
      created.jobs.push(String(item.jobId));
      const reason = typeof item.errorReason === "string" ? item.errorReason : "";
      if (item.status !== expected) {
        return ["fail", `${item.jobId} is ${item.status}, expected ${expected} ${reason}`.trim()];
      }
      if (expected === "FAILED" && reason === "") {
        return ["fail", `${item.jobId} is FAILED without an errorReason`];
      }
      const said = expected === "FAILED" ? `: ${reason}` : "";

      return ["ok", `${item.jobId} ${expected} (${lookup})${said}`];
    });

  // Documents already read, by key: each is fetched once however long verify waits.
  const readDocuments = new Map<string, JobItem>();
  const findDocument = async (
    source: Upload
  ): Promise<{ key: string; document: JobItem } | undefined> => {
    for (const date of partitionDates(source.at - CLOCK_SLACK_MS)) {
      let token: string | undefined;
      do {
        const page = await clients.s3.send(
          new ListObjectsV2Command({
            Bucket: target.analyticsBucket,
            Prefix: `${target.analyticsPrefix}/dt=${date}/`,
            ContinuationToken: token,
          })
        );
        for (const object of page.Contents ?? []) {
          const modified = object.LastModified?.getTime() ?? Date.now();
          if (object.Key === undefined || modified < source.at - CLOCK_SLACK_MS) continue;
          let document = readDocuments.get(object.Key);
          if (document === undefined) {
            const { Body } = await clients.s3.send(
              new GetObjectCommand({ Bucket: target.analyticsBucket, Key: object.Key })
            );
            document = JSON.parse(await Body!.transformToString()) as JobItem;
            readDocuments.set(object.Key, document);
          }
          if (document.sourceKey === source.key) return { key: object.Key, document };
        }
        token = page.NextContinuationToken;
      } while (token);
    }

    return undefined;
  };

  const checkDocument = (name: string, source: Upload, expected: "SUCCEEDED" | "FAILED") =>
    check(name, async () => {
      const outcome = await pollUntil(() => findDocument(source), poll);
      if (outcome.value === undefined) return ["fail", timedOut(outcome, "analytics document")];
      created.documents.push(outcome.value.key);
      const status = outcome.value.document.status;
      const where = `s3://${target.analyticsBucket}/${outcome.value.key}`;

      return status === expected
        ? ["ok", where]
        : ["fail", `${where} says ${String(status)}, expected ${expected}`];
    });

  const goodKey = `verify/${runId}/probe image.jpg`;
  const badKey = `verify/${runId}/not an image.jpg`;

  let good: Upload | undefined;
  await check("upload test image", async () => {
    good = await upload(goodKey, await makeTestImage());

    return ["ok", `s3://${target.uploadsBucket}/${goodKey}`];
  });

  if (good) {
    const source = good;
    let thumbnailBytes: number | undefined;
    await check("thumbnail in thumbnails bucket", async () => {
      const outcome = await pollUntil(async () => {
        const object = await clients.s3.send(
          new GetObjectCommand({ Bucket: target.thumbnailsBucket, Key: source.key })
        );

        return { body: await object.Body!.transformToByteArray(), type: object.ContentType };
      }, poll);
      if (outcome.value === undefined) return ["fail", timedOut(outcome, "thumbnail")];
      created.thumbnails.push(source.key);
      thumbnailBytes = outcome.value.body.length;
      const { width = 0, height = 0 } = await sharp(outcome.value.body).metadata();
      const described = `${width}x${height} ${outcome.value.type}, ${thumbnailBytes} bytes`;
      const fits = Math.max(width, height) === TEST_IMAGE.thumbnailLongSide;

      return fits
        ? ["ok", described]
        : ["fail", `${described}: the long side should be ${TEST_IMAGE.thumbnailLongSide}`];
    });

    if (thumbnailBytes === undefined) {
      await skip("thumbnail publicly readable", "no thumbnail to read");
    } else {
      const expectedBytes = thumbnailBytes;
      await check("thumbnail publicly readable", async () => {
        const url = publicObjectUrl(target, target.thumbnailsBucket, source.key);
        const response = await clients.fetch(url, { signal: AbortSignal.timeout(poll.timeoutMs) });
        const body = new Uint8Array(await response.arrayBuffer());
        const note = target.local
          ? " (local mode: s3rver does not enforce bucket policies, so this shows the object is served, not that a policy allows anonymous reads)"
          : "";
        if (response.status !== 200) {
          return ["fail", `unsigned GET ${url} answered ${response.status}${note}`];
        }
        if (body.length !== expectedBytes) {
          return ["fail", `unsigned GET ${url} gave ${body.length} bytes, not ${expectedBytes}`];
        }

        return ["ok", `unsigned GET ${url} answered 200${note}`];
      });
    }
    await checkJob("job record SUCCEEDED", source, "SUCCEEDED");
    await checkDocument("analytics document (success)", source, "SUCCEEDED");
  } else {
    for (const name of [
      "thumbnail in thumbnails bucket",
      "thumbnail publicly readable",
      "job record SUCCEEDED",
      "analytics document (success)",
    ]) {
      await skip(name, "the test image was not uploaded");
    }
  }

  let bad: Upload | undefined;
  await check("upload bad file", async () => {
    bad = await upload(badKey, Buffer.from("This text file is not an image.\n"));

    return ["ok", `s3://${target.uploadsBucket}/${badKey}`];
  });
  if (bad) {
    await checkJob("job record FAILED", bad, "FAILED");
    await checkDocument("analytics document (failure)", bad, "FAILED");
  } else {
    await skip("job record FAILED", "the bad file was not uploaded");
    await skip("analytics document (failure)", "the bad file was not uploaded");
  }

  if (options.keep) {
    await skip("clean up", `--keep given: everything stays under verify/${runId}/`);
  } else {
    await check("clean up", () => removeCreated(target, clients, created));
  }

  return results;
}

async function removeCreated(
  target: VerifyTarget,
  clients: VerifyClients,
  created: {
    uploads: Upload[];
    thumbnails: string[];
    documents: string[];
    jobs: string[];
  }
): Promise<[CheckStatus, string]> {
  const failures: string[] = [];
  const attempt = async (what: string, action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (error) {
      failures.push(`${what}: ${describeError(error)}`);
    }
  };
  for (const upload of created.uploads) {
    // A versioned bucket keeps a deleted object as a noncurrent version unless
    // the version itself is deleted.
    await attempt(`upload ${upload.key}`, () =>
      clients.s3.send(
        new DeleteObjectCommand({
          Bucket: target.uploadsBucket,
          Key: upload.key,
          VersionId: upload.versionId,
        })
      )
    );
  }
  for (const key of created.thumbnails) {
    await attempt(`thumbnail ${key}`, () =>
      clients.s3.send(new DeleteObjectCommand({ Bucket: target.thumbnailsBucket, Key: key }))
    );
  }
  for (const key of created.documents) {
    await attempt(`analytics document ${key}`, () =>
      clients.s3.send(new DeleteObjectCommand({ Bucket: target.analyticsBucket, Key: key }))
    );
  }
  for (const jobId of created.jobs) {
    await attempt(`job record ${jobId}`, () =>
      clients.documents.send(new DeleteCommand({ TableName: target.jobsTable, Key: { jobId } }))
    );
  }
  const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;
  const counts = [
    plural(created.uploads.length, "upload"),
    plural(created.thumbnails.length, "thumbnail"),
    plural(created.documents.length, "analytics document"),
    plural(created.jobs.length, "job record"),
  ].join(", ");
  if (failures.length > 0) return ["fail", `could not remove ${failures.join("; ")}`];

  return ["ok", `removed ${counts}`];
}

/** One report line: status, check name, time, detail. */
export function formatCheck(result: CheckResult): string {
  const status = { ok: "ok", fail: "FAIL", skip: "skip" }[result.status];

  return `${status.padEnd(4)}  ${result.name.padEnd(30)}  ${seconds(result.elapsedMs).padStart(
    7
  )}  ${result.detail}`;
}
