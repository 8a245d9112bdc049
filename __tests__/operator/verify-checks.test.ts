/**
 * The AWS side of verify, which local mode cannot show: a versioned uploads
 * bucket gives a VersionId, so the job record is read with GetItem by the
 * deterministic jobId; the thumbnail is read anonymously at its regional
 * virtual-hosted URL; clean-up deletes the exact versions. S3 and DynamoDB
 * are mocked by a small in-memory pipeline that reacts to each upload as the
 * deployed one does.
 */
import { join } from "node:path";

import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
} from "@aws-sdk/client-s3";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  ScanCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import sharp from "sharp";

import { computeJobId } from "../../handlers/lib/job-id";
import { pollUntil } from "../../scripts/lib/poll";
import {
  type CheckResult,
  formatCheck,
  partitionDates,
  verifyStack,
} from "../../scripts/lib/verify-checks";
import { loadVerifyTarget } from "../../scripts/lib/verify-target";

const target = loadVerifyTarget(
  { dataJson: join(__dirname, "..", "fixtures", "operator", "data-deployed.json") },
  { stackName: "activity4-image-pipeline-dev" }
);

function notFound(name: string): Error {
  return Object.assign(new Error(`${name} from the fake`), { name });
}

/** An in-memory stack that processes each upload the moment it is stored. */
class FakePipeline {
  readonly objects = new Map<string, { body: Buffer; type?: string; at: Date }>();
  readonly items = new Map<string, Record<string, unknown>>();
  readonly deleted: string[] = [];
  readonly fetched: string[] = [];
  readonly scans: number[] = [];
  private version = 0;

  constructor(private readonly works: boolean) {}

  install(): { s3: S3Client; documents: DynamoDBDocumentClient } {
    const s3 = new S3Client({ region: target.region });
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: target.region }));
    const s3Stub = mockClient(s3);
    s3Stub.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => this.put(input));
    s3Stub.on(GetObjectCommand).callsFake(async ({ Bucket, Key }) => {
      const stored = this.objects.get(`${Bucket}/${Key}`);
      if (!stored) throw notFound("NoSuchKey");

      return {
        ContentType: stored.type,
        Body: {
          transformToByteArray: async () => new Uint8Array(stored.body),
          transformToString: async () => stored.body.toString("utf8"),
        },
      };
    });
    s3Stub.on(ListObjectsV2Command).callsFake(async ({ Bucket, Prefix }) => ({
      Contents: [...this.objects.entries()]
        .filter(([path]) => path.startsWith(`${Bucket}/${Prefix}`))
        .map(([path, object]) => ({ Key: path.slice(Bucket.length + 1), LastModified: object.at })),
    }));
    s3Stub.on(DeleteObjectCommand).callsFake(async ({ Bucket, Key, VersionId }) => {
      this.deleted.push(`s3://${Bucket}/${Key}${VersionId ? `?versionId=${VersionId}` : ""}`);
      this.objects.delete(`${Bucket}/${Key}`);

      return {};
    });
    const tableStub = mockClient(documents);
    tableStub.on(GetCommand).callsFake(async ({ Key }) => ({ Item: this.items.get(Key.jobId) }));
    tableStub.on(ScanCommand).callsFake(async () => {
      this.scans.push(1);

      return { Items: [] };
    });
    tableStub.on(DeleteCommand).callsFake(async ({ Key }) => {
      this.deleted.push(`dynamodb:${Key.jobId}`);

      return {};
    });

    return { s3, documents };
  }

  readonly fetch = (async (url: string | URL | Request) => {
    this.fetched.push(String(url));
    const key = decodeURIComponent(new URL(String(url)).pathname.slice(1));
    const stored = this.objects.get(`${target.thumbnailsBucket}/${key}`);

    return new Response(stored ? new Uint8Array(stored.body) : null, {
      status: stored ? 200 : 403,
    });
  }) as typeof fetch;

  private async put(input: PutObjectCommandInput): Promise<{ VersionId: string }> {
    const body = Buffer.from(input.Body as Uint8Array);
    const key = input.Key!;
    this.version += 1;
    const versionId = `v${this.version}`;
    this.objects.set(`${input.Bucket}/${key}`, { body, type: input.ContentType, at: new Date() });
    if (!this.works) return { VersionId: versionId };

    const jobId = computeJobId({ bucket: input.Bucket!, key, versionId });
    let status = "SUCCEEDED";
    let errorReason: string | undefined;
    try {
      const thumbnail = await sharp(body).resize(128, 128, { fit: "inside" }).jpeg().toBuffer();
      this.objects.set(`${target.thumbnailsBucket}/${key}`, {
        body: thumbnail,
        type: "image/jpeg",
        at: new Date(),
      });
    } catch {
      status = "FAILED";
      errorReason = "The upload is not an image in a recognised format.";
    }
    this.items.set(jobId, { jobId, status, sourceKey: key, errorReason });
    const document = JSON.stringify({ jobId, status, sourceKey: key });
    const date = new Date().toISOString().slice(0, 10);
    this.objects.set(`${target.analyticsBucket}/image-events/dt=${date}/m-${this.version}.json`, {
      body: Buffer.from(document),
      at: new Date(),
    });

    return { VersionId: versionId };
  }
}

describe("verifyStack against AWS (mocked)", () => {
  it("passes every check on a working stack, reading the record by jobId and cleaning up versions", async () => {
    // Arrange
    const fake = new FakePipeline(true);
    const { s3, documents } = fake.install();
    const lines: string[] = [];

    // Act
    const results = await verifyStack(
      target,
      { s3, documents, fetch: fake.fetch },
      {
        timeoutMs: 2000,
        intervalMs: 10,
        runId: "run-1",
        onResult: (r) => lines.push(formatCheck(r)),
      }
    );

    // Assert
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ["upload test image", "ok"],
      ["thumbnail in thumbnails bucket", "ok"],
      ["thumbnail publicly readable", "ok"],
      ["job record SUCCEEDED", "ok"],
      ["analytics document (success)", "ok"],
      ["upload bad file", "ok"],
      ["job record FAILED", "ok"],
      ["analytics document (failure)", "ok"],
      ["clean up", "ok"],
    ]);
    expect(lines).toHaveLength(9);
    expect(results[1].detail).toMatch(/^128x96 image\/jpeg, \d+ bytes$/);
    expect(fake.fetched).toEqual([
      `https://${target.thumbnailsBucket}.s3.ap-south-1.amazonaws.com/verify/run-1/probe%20image.jpg`,
    ]);
    expect(results[3].detail).toContain("(GetItem by jobId)");
    expect(fake.scans).toEqual([]);
    expect(results[6].detail).toContain("The upload is not an image in a recognised format.");
    expect(fake.deleted).toEqual(
      expect.arrayContaining([
        `s3://${target.uploadsBucket}/verify/run-1/probe image.jpg?versionId=v1`,
        `s3://${target.uploadsBucket}/verify/run-1/not an image.jpg?versionId=v2`,
        `s3://${target.thumbnailsBucket}/verify/run-1/probe image.jpg`,
        `dynamodb:${computeJobId({
          bucket: target.uploadsBucket,
          key: "verify/run-1/probe image.jpg",
          versionId: "v1",
        })}`,
      ])
    );
    expect(fake.deleted).toHaveLength(7);
    expect([...fake.objects.keys()].filter((path) => path.includes("verify/run-1"))).toEqual([]);
  });

  it("fails, within the timeout, on a stack whose processor does nothing", async () => {
    // Arrange
    const fake = new FakePipeline(false);
    const { s3, documents } = fake.install();

    // Act
    const results = await verifyStack(
      target,
      { s3, documents, fetch: fake.fetch },
      { timeoutMs: 60, intervalMs: 10, runId: "run-2" }
    );

    // Assert
    const byName = Object.fromEntries(results.map((r: CheckResult) => [r.name, r]));
    expect(byName["thumbnail in thumbnails bucket"]).toMatchObject({ status: "fail" });
    expect(byName["thumbnail in thumbnails bucket"].detail).toMatch(
      /^thumbnail not there after \d\.\d s; last error NoSuchKey/
    );
    expect(byName["thumbnail publicly readable"].status).toBe("skip");
    expect(byName["job record SUCCEEDED"].detail).toContain("(last seen: no record)");
    expect(byName["job record FAILED"].status).toBe("fail");
    expect(byName["clean up"].detail).toBe(
      "removed 2 uploads, 0 thumbnails, 0 analytics documents, 0 job records"
    );
  });

  it("keeps everything with --keep and says where it is", async () => {
    // Arrange
    const fake = new FakePipeline(true);
    const { s3, documents } = fake.install();

    // Act
    const results = await verifyStack(
      target,
      { s3, documents, fetch: fake.fetch },
      { timeoutMs: 2000, intervalMs: 10, runId: "run-3", keep: true }
    );

    // Assert
    expect(results.at(-1)).toMatchObject({
      name: "clean up",
      status: "skip",
      detail: "--keep given: everything stays under verify/run-3/",
    });
    expect(fake.deleted).toEqual([]);
  });
});

describe("partitionDates", () => {
  it("lists each UTC day from the start to now, so a run across midnight looks in both", () => {
    // Act
    const dates = partitionDates(Date.UTC(2025, 0, 31, 23, 58), Date.UTC(2025, 1, 1, 0, 3));

    // Assert
    expect(dates).toEqual(["2025-01-31", "2025-02-01"]);
  });
});

describe("pollUntil", () => {
  it("returns the first value and keeps the last error for a timeout", async () => {
    // Arrange
    let calls = 0;
    const probe = async () => {
      calls += 1;
      if (calls < 3) throw notFound("NoSuchKey");

      return calls === 3 ? undefined : "found";
    };

    // Act
    const found = await pollUntil(probe, { timeoutMs: 1000, intervalMs: 1 });
    const missing = await pollUntil(async () => undefined, { timeoutMs: 0, intervalMs: 1 });

    // Assert
    expect(found).toMatchObject({ value: "found", attempts: 4 });
    expect(found.lastError).toMatchObject({ name: "NoSuchKey" });
    expect(missing.value).toBeUndefined();
    expect(missing.attempts).toBe(1);
  });
});
