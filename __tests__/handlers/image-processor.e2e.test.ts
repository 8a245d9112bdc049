import sharp from "sharp";

import { JobInProgressError, RetryableBatchError } from "../../handlers/lib/errors";
import { computeJobId } from "../../handlers/lib/job-id";
import { THUMBNAIL_CACHE_CONTROL } from "../../handlers/lib/process-upload";
import {
  ANALYTICS_BUCKET,
  type DynamoEmulator,
  PipelineHarness,
  THUMBNAILS_BUCKET,
  TOPIC_ARN,
  UPLOADS_BUCKET,
  awsError,
  lambdaContext,
  s3Event,
  s3Record,
  startDynamo,
} from "./support/pipeline-harness";
import { alphaPng, cutOff, noiseImage, pngDeclaring } from "./support/test-images";

let emulator: DynamoEmulator;
let harness: PipelineHarness;
let photo: Buffer;

beforeAll(async () => {
  emulator = await startDynamo();
  photo = await sharp({ create: { width: 600, height: 400, channels: 3, background: "#3366aa" } })
    .jpeg()
    .toBuffer();
});

afterAll(async () => {
  await emulator.stop();
});

beforeEach(async () => {
  harness = await PipelineHarness.create(emulator);
});

afterEach(async () => {
  await harness.dispose();
});

function jobIdOf(key: string, sequencer = "0065A1B2C3D4E5F6AA"): string {
  return computeJobId({ bucket: UPLOADS_BUCKET, key, sequencer });
}

describe("image processor, end to end with mocked S3 and SNS and an emulated table", () => {
  it("makes the thumbnail, records SUCCEEDED and publishes one success message", async () => {
    // Arrange
    harness.upload(UPLOADS_BUCKET, "photos/p.jpg", photo);
    const jobId = jobIdOf("photos/p.jpg");

    // Act
    const summary = await harness.processor(
      s3Event(s3Record("photos/p.jpg", { size: photo.length })),
      lambdaContext()
    );

    // Assert
    expect(summary.counts).toEqual({ succeeded: 1 });
    const thumbnail = harness.object(THUMBNAILS_BUCKET, "photos/p.jpg");
    expect(thumbnail?.contentType).toBe("image/jpeg");
    const meta = await sharp(thumbnail!.body).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 128, 85]);

    const put = harness.putRequests[0]!;
    expect(put.CacheControl).toBe(THUMBNAIL_CACHE_CONTROL);
    expect(put).not.toHaveProperty("ACL");

    const item = await harness.job(jobId);
    expect(item).toMatchObject({
      jobId,
      status: "SUCCEEDED",
      sourceBucket: UPLOADS_BUCKET,
      sourceKey: "photos/p.jpg",
      sourceWidth: 600,
      sourceHeight: 400,
      sourceBytes: photo.length,
      thumbnailBucket: THUMBNAILS_BUCKET,
      thumbnailKey: "photos/p.jpg",
      thumbnailWidth: 128,
      thumbnailHeight: 85,
      attempts: 1,
    });
    expect(item).not.toHaveProperty("leaseExpiresAt");

    expect(harness.published).toHaveLength(1);
    const { input } = harness.published[0]!;
    expect(input.TopicArn).toBe(TOPIC_ARN);
    expect(input.Subject).toBe("image-processed");
    expect(input.MessageAttributes?.status).toEqual({
      DataType: "String",
      StringValue: "SUCCEEDED",
    });
    expect(harness.messages()[0]).toMatchObject({
      schemaVersion: 1,
      jobId,
      status: "SUCCEEDED",
      thumbnailKey: "photos/p.jpg",
      source: { width: 600, height: 400, bytes: photo.length, format: "jpeg" },
      thumbnail: { width: 128, height: 85, format: "jpeg" },
    });
  });

  it("logs one line per step, each carrying the jobId and the key", async () => {
    // Arrange
    harness.upload(UPLOADS_BUCKET, "photos/p.jpg", photo);
    const jobId = jobIdOf("photos/p.jpg");

    // Act
    await harness.processor(s3Event(s3Record("photos/p.jpg")), lambdaContext());

    // Assert
    const jobLines = harness.logs.ofJob(jobId);
    expect(jobLines.map((line) => line.message)).toEqual([
      "received",
      "downloaded",
      "resized",
      "stored",
      "published",
      "recorded",
    ]);
    for (const line of jobLines) {
      expect(line).toMatchObject({ jobId, key: "photos/p.jpg", service: "image-processor" });
    }
    expect(harness.logs.lines.filter((line) => line.level === "ERROR")).toEqual([]);
  });

  it("stores a transparent input as a PNG thumbnail with Content-Type image/png", async () => {
    // Arrange
    harness.upload(UPLOADS_BUCKET, "logo.png", await alphaPng());

    // Act
    await harness.processor(s3Event(s3Record("logo.png")), lambdaContext());

    // Assert
    const thumbnail = harness.object(THUMBNAILS_BUCKET, "logo.png");
    expect(thumbnail?.contentType).toBe("image/png");
    expect((await sharp(thumbnail!.body).metadata()).hasAlpha).toBe(true);
  });

  it.each([
    ["empty", Buffer.alloc(0), /empty/],
    ["unsupported-format", Buffer.from("just some notes, not a picture\n"), /not an image/],
    ["too-many-pixels", null, /pixels/],
    ["truncated", null, /truncated/],
  ] as const)(
    "ends an input of kind %s as FAILED and returns normally",
    async (kind, fixed, reason) => {
      // Arrange
      const body =
        fixed ??
        (kind === "too-many-pixels"
          ? await pngDeclaring(50_000, 50_000)
          : cutOff(await noiseImage("jpeg"), 0.5));
      harness.upload(UPLOADS_BUCKET, "in/file.jpg", body);
      const jobId = jobIdOf("in/file.jpg");

      // Act
      const summary = await harness.processor(
        s3Event(s3Record("in/file.jpg", { size: body.length })),
        lambdaContext()
      );

      // Assert
      expect(summary.counts).toEqual({ failed: 1 });
      expect(harness.keysIn(THUMBNAILS_BUCKET)).toEqual([]);
      const item = await harness.job(jobId);
      expect(item).toMatchObject({ status: "FAILED", errorKind: kind });
      expect(String(item?.errorReason)).toMatch(reason);
      expect(harness.published).toHaveLength(1);
      expect(harness.published[0]!.input.Subject).toBe("image-failed");
      expect(harness.messages()[0]).toMatchObject({ status: "FAILED", error: { kind } });
      expect(harness.logs.ofJob(jobId).filter((line) => line.message === "rejected")).toHaveLength(
        1
      );
    }
  );

  it("rejects an upload over MAX_INPUT_BYTES from the event size without downloading it", async () => {
    // Arrange
    await harness.dispose();
    harness = await PipelineHarness.create(emulator, { MAX_INPUT_BYTES: "1000" });
    harness.upload(UPLOADS_BUCKET, "big.jpg", photo);

    // Act
    await harness.processor(s3Event(s3Record("big.jpg", { size: photo.length })), lambdaContext());

    // Assert
    expect(harness.getRequests).toEqual([]);
    expect(await harness.job(jobIdOf("big.jpg"))).toMatchObject({
      status: "FAILED",
      errorKind: "too-large",
    });
  });

  it("rejects an upload over MAX_INPUT_BYTES by its Content-Length when the event under-reports it", async () => {
    // Arrange
    await harness.dispose();
    harness = await PipelineHarness.create(emulator, { MAX_INPUT_BYTES: "1000" });
    harness.upload(UPLOADS_BUCKET, "big.jpg", photo);

    // Act
    await harness.processor(s3Event(s3Record("big.jpg", { size: 10 })), lambdaContext());

    // Assert
    const item = await harness.job(jobIdOf("big.jpg"));
    expect(item).toMatchObject({ status: "FAILED", errorKind: "too-large" });
    expect(String(item?.errorReason)).toContain("MAX_INPUT_BYTES");
  });

  it("ends a job whose object was deleted before processing as FAILED source-missing", async () => {
    // Arrange: no object uploaded.

    // Act
    await harness.processor(s3Event(s3Record("gone.jpg")), lambdaContext());

    // Assert
    expect(await harness.job(jobIdOf("gone.jpg"))).toMatchObject({
      status: "FAILED",
      errorKind: "source-missing",
    });
    expect(harness.messages()[0]).toMatchObject({
      status: "FAILED",
      error: { kind: "source-missing" },
    });
  });

  it("ends a record with a malformed percent-encoded key as FAILED invalid-key and still processes the others", async () => {
    // Arrange
    harness.upload(UPLOADS_BUCKET, "ok.jpg", photo);
    const event = s3Event(
      s3Record("bad%E0%A4%A.jpg", { sequencer: "01" }),
      s3Record("ok.jpg", { sequencer: "02" })
    );

    // Act
    const summary = await harness.processor(event, lambdaContext());

    // Assert
    expect(summary.counts).toEqual({ failed: 1, succeeded: 1 });
    expect(harness.getRequests.map((request) => request.Key)).toEqual(["ok.jpg"]);
    const failed = harness.messages().find((message) => message.status === "FAILED");
    expect(failed).toMatchObject({ sourceKey: "bad%E0%A4%A.jpg", error: { kind: "invalid-key" } });
  });

  it("skips folder markers and events from the thumbnails bucket without any write", async () => {
    // Arrange
    const event = s3Event(
      s3Record("photos/", { size: 0, sequencer: "01" }),
      s3Record("photos/p.jpg", { bucket: THUMBNAILS_BUCKET, sequencer: "02" })
    );

    // Act
    const summary = await harness.processor(event, lambdaContext());

    // Assert
    expect(summary.counts).toEqual({ skipped: 2 });
    expect(harness.getRequests).toEqual([]);
    expect(harness.published).toEqual([]);
    expect(harness.putRequests).toEqual([]);
  });

  it("reads the version named in the event from a versioned bucket", async () => {
    // Arrange
    harness.upload(UPLOADS_BUCKET, "v.jpg", photo);
    const record = s3Record("v.jpg", { versionId: "3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY" });

    // Act
    await harness.processor(s3Event(record), lambdaContext());

    // Assert
    expect(harness.getRequests[0]).toMatchObject({
      Key: "v.jpg",
      VersionId: "3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY",
    });
    const jobId = computeJobId({
      bucket: UPLOADS_BUCKET,
      key: "v.jpg",
      versionId: "3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY",
    });
    expect(await harness.job(jobId)).toMatchObject({
      status: "SUCCEEDED",
      sourceVersionId: "3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY",
    });
  });

  it("returns without work for an event without records (the s3:TestEvent)", async () => {
    // Arrange
    const testEvent = {
      Service: "Amazon S3",
      Event: "s3:TestEvent",
      Bucket: UPLOADS_BUCKET,
    } as never;

    // Act
    const summary = await harness.processor(testEvent, lambdaContext());

    // Assert
    expect(summary.records).toEqual([]);
    expect(harness.logs.withMessage("no records")).toHaveLength(1);
  });
});

describe("image processor idempotency", () => {
  it("recognises a redelivered event as a duplicate and changes nothing", async () => {
    // Arrange
    harness.upload(UPLOADS_BUCKET, "photos/p.jpg", photo);
    const event = s3Event(s3Record("photos/p.jpg"));
    await harness.processor(event, lambdaContext());
    const jobId = jobIdOf("photos/p.jpg");
    const before = await harness.job(jobId);

    // Act
    const summary = await harness.processor(event, lambdaContext());

    // Assert
    expect(summary.counts).toEqual({ duplicate: 1 });
    expect(await harness.job(jobId)).toEqual(before);
    expect(harness.published).toHaveLength(1);
    expect(harness.putRequests).toHaveLength(1);
    expect(harness.logs.ofJob(jobId).filter((line) => line.message === "duplicate")).toHaveLength(
      1
    );
  });

  it("fails the invocation as retryable when another attempt holds a live lease, after finishing the other records", async () => {
    // Arrange
    const jobId = jobIdOf("photos/p.jpg", "01");
    harness.upload(UPLOADS_BUCKET, "photos/p.jpg", photo);
    harness.upload(UPLOADS_BUCKET, "photos/q.jpg", photo);
    await harness.updateJob({
      Key: { jobId },
      UpdateExpression: "SET #status = :processing, #attemptId = :other, #lease = :lease",
      ExpressionAttributeNames: {
        "#status": "status",
        "#attemptId": "attemptId",
        "#lease": "leaseExpiresAt",
      },
      ExpressionAttributeValues: {
        ":processing": "PROCESSING",
        ":other": "other-attempt",
        ":lease": Date.now() + 60_000,
      },
    });
    const event = s3Event(
      s3Record("photos/p.jpg", { sequencer: "01" }),
      s3Record("photos/q.jpg", { sequencer: "02" })
    );

    // Act
    const attempt = harness.processor(event, lambdaContext());

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(JobInProgressError);
    await expect(attempt).rejects.toBeInstanceOf(RetryableBatchError);
    await expect(attempt).rejects.toMatchObject({ inProgressRecords: [jobId] });
    expect(harness.getRequests.map((request) => request.Key)).toEqual(["photos/q.jpg"]);
    expect(harness.messages().map((message) => [message.sourceKey, message.status])).toEqual([
      ["photos/q.jpg", "SUCCEEDED"],
    ]);
    expect(harness.logs.ofJob(jobId).filter((line) => line.message === "in progress")).toHaveLength(
      1
    );
    const retrying = harness.logs.withMessage("retrying the event");
    expect(retrying).toHaveLength(1);
    expect(retrying[0]).toMatchObject({ level: "WARN", inProgressJobIds: [jobId] });
    expect(await harness.job(jobId)).toMatchObject({
      status: "PROCESSING",
      attemptId: "other-attempt",
    });
  });

  it("finishes a job whose attempt died holding its lease, once Lambda's retry comes after the lease", async () => {
    // Arrange: the first attempt fails its download and cannot give the claim back, as an
    // attempt killed at the function timeout cannot; its lease runs 30 s plus a margin.
    const start = Date.parse("2026-11-30T10:15:31.000Z");
    let now = start;
    harness.setClock(() => new Date(now));
    harness.upload(UPLOADS_BUCKET, "photos/p.jpg", photo);
    const event = s3Event(s3Record("photos/p.jpg"));
    const jobId = jobIdOf("photos/p.jpg");
    harness.failNext("GetObject", awsError("InternalError", 500));
    harness.failNext("Update", awsError("InternalServerError", 500), 1, (input) =>
      String(input.UpdateExpression).includes("#lastErrorStep")
    );
    await expect(harness.processor(event, lambdaContext(30_000))).rejects.toBeInstanceOf(
      RetryableBatchError
    );

    // Act: a retry while the dead attempt's lease is live, then one after it.
    now = start + 20_000;
    const early = harness.processor(event, lambdaContext(30_000));
    await expect(early).rejects.toBeInstanceOf(JobInProgressError);
    const whileHeld = await harness.job(jobId);
    now = start + 40_000;
    const late = await harness.processor(event, lambdaContext(30_000));

    // Assert
    expect(whileHeld).toMatchObject({ status: "PROCESSING", attempts: 1 });
    expect(harness.published).toHaveLength(1);
    expect(late.counts).toEqual({ succeeded: 1 });
    expect(await harness.job(jobId)).toMatchObject({ status: "SUCCEEDED", attempts: 2 });
    expect(harness.messages()).toEqual([expect.objectContaining({ jobId, status: "SUCCEEDED" })]);
  });

  it("takes over a job whose previous attempt died once its lease has run out", async () => {
    // Arrange
    const jobId = jobIdOf("photos/p.jpg");
    harness.upload(UPLOADS_BUCKET, "photos/p.jpg", photo);
    await harness.updateJob({
      Key: { jobId },
      UpdateExpression: "SET #status = :processing, #attemptId = :other, #lease = :lease",
      ExpressionAttributeNames: {
        "#status": "status",
        "#attemptId": "attemptId",
        "#lease": "leaseExpiresAt",
      },
      ExpressionAttributeValues: {
        ":processing": "PROCESSING",
        ":other": "dead-attempt",
        ":lease": Date.now() - 1,
      },
    });

    // Act
    const summary = await harness.processor(s3Event(s3Record("photos/p.jpg")), lambdaContext());

    // Assert
    expect(summary.counts).toEqual({ succeeded: 1 });
    expect(harness.published).toHaveLength(1);
  });

  it("lets exactly one of two concurrent deliveries do the work; the other ends as a duplicate, after a retry if it met the live lease", async () => {
    // Arrange
    harness.upload(UPLOADS_BUCKET, "photos/p.jpg", photo);
    const event = s3Event(s3Record("photos/p.jpg"));

    // Act
    const settled = await Promise.allSettled([
      harness.processor(event, lambdaContext()),
      harness.processor(event, lambdaContext()),
    ]);
    const refused = settled.filter((result) => result.status === "rejected");
    const retried = await Promise.all(refused.map(() => harness.processor(event, lambdaContext())));

    // Assert
    const outcomes = [
      ...settled.flatMap((result) =>
        result.status === "fulfilled" ? [result.value.records[0]!.outcome] : []
      ),
      ...retried.map((summary) => summary.records[0]!.outcome),
    ].sort();
    expect(outcomes).toEqual(["duplicate", "succeeded"]);
    for (const result of refused) {
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(JobInProgressError);
    }
    expect(harness.published).toHaveLength(1);
    expect(harness.putRequests).toHaveLength(1);
    expect(await harness.job(jobIdOf("photos/p.jpg"))).toMatchObject({
      status: "SUCCEEDED",
      attempts: 1,
    });
  });

  it.each([
    ["GetObject", awsError("InternalError", 500)],
    ["PutObject", awsError("SlowDown", 503)],
    ["Publish", awsError("ThrottlingException", 400)],
  ] as const)(
    "records a transient %s error, throws after the batch, and the retry succeeds with one message",
    async (target, error) => {
      // Arrange
      harness.upload(UPLOADS_BUCKET, "photos/p.jpg", photo);
      const event = s3Event(s3Record("photos/p.jpg"));
      const jobId = jobIdOf("photos/p.jpg");
      harness.failNext(target, error);

      // Act
      const firstAttempt = harness.processor(event, lambdaContext());
      await expect(firstAttempt).rejects.toBeInstanceOf(RetryableBatchError);
      const afterFailure = await harness.job(jobId);
      const retry = await harness.processor(event, lambdaContext());

      // Assert
      expect(afterFailure).toMatchObject({
        status: "RETRY_PENDING",
        lastErrorKind: "transient",
        leaseExpiresAt: 0,
      });
      expect(String(afterFailure?.lastErrorReason)).toContain(error.name);
      expect(retry.counts).toEqual({ succeeded: 1 });
      expect(await harness.job(jobId)).toMatchObject({ status: "SUCCEEDED", attempts: 2 });
      expect(harness.messages().filter((message) => message.status === "SUCCEEDED")).toHaveLength(
        1
      );
      expect(harness.published).toHaveLength(1);
      expect(harness.keysIn(THUMBNAILS_BUCKET)).toEqual(["photos/p.jpg"]);
      const errors = harness.logs.ofJob(jobId).filter((line) => line.level === "ERROR");
      expect(errors).toHaveLength(1);
      expect(harness.logs.withMessage("retrying the event")).toHaveLength(1);
    }
  );

  it("publishes a second message for the same job and status when only the final record write fails (the documented at-least-once window)", async () => {
    // Arrange: the clock moves a second at each reading, so each attempt has times of its own.
    let tick = Date.parse("2026-11-30T10:15:31.000Z");
    harness.setClock(() => new Date((tick += 1_000)));
    harness.upload(UPLOADS_BUCKET, "photos/p.jpg", photo);
    const event = s3Event(s3Record("photos/p.jpg"));
    const jobId = jobIdOf("photos/p.jpg");
    harness.failNext("Update", awsError("InternalServerError", 500), 1, (input) =>
      JSON.stringify(input.ExpressionAttributeValues).includes("SUCCEEDED")
    );

    // Act
    await expect(harness.processor(event, lambdaContext())).rejects.toBeInstanceOf(
      RetryableBatchError
    );
    const retry = await harness.processor(event, lambdaContext());
    const documents = await harness.analytics(harness.snsEventOfPublished(), lambdaContext());

    // Assert
    expect(retry.counts).toEqual({ succeeded: 1 });
    expect(await harness.job(jobId)).toMatchObject({ status: "SUCCEEDED", attempts: 2 });
    const [first, second] = harness.published.map((entry) => entry.input);
    expect(harness.published).toHaveLength(2);
    expect({ ...second, Message: undefined }).toEqual({ ...first, Message: undefined });
    const attemptTimes = ["receivedAt", "finishedAt", "durationMs"];
    const withoutTimes = (message: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(message).filter(([name]) => !attemptTimes.includes(name)));
    const [original, copy] = harness.messages();
    expect(original).toMatchObject({ jobId, status: "SUCCEEDED" });
    expect(withoutTimes(copy!)).toEqual(withoutTimes(original!));
    expect(Date.parse(String(copy!.receivedAt))).toBeGreaterThan(
      Date.parse(String(original!.finishedAt))
    );
    expect(documents.written).toHaveLength(2);
    expect(new Set(documents.written).size).toBe(2);
    const stored = documents.written.map(
      (key) =>
        JSON.parse(harness.object(ANALYTICS_BUCKET, key)!.body.toString("utf8")) as Record<
          string,
          unknown
        >
    );
    expect(stored.map((document) => [document.jobId, document.status])).toEqual([
      [jobId, "SUCCEEDED"],
      [jobId, "SUCCEEDED"],
    ]);
  });

  it("processes every record of an event when one hits a transient error, then throws for the retry", async () => {
    // Arrange
    harness.upload(UPLOADS_BUCKET, "a.jpg", photo);
    harness.upload(UPLOADS_BUCKET, "b.jpg", photo);
    harness.upload(UPLOADS_BUCKET, "c.txt.jpg", Buffer.from("text"));
    harness.failNext(
      "GetObject",
      awsError("RequestTimeout", 400),
      1,
      (input) => input.Key === "b.jpg"
    );
    const event = s3Event(
      s3Record("a.jpg", { sequencer: "01" }),
      s3Record("b.jpg", { sequencer: "02" }),
      s3Record("c.txt.jpg", { sequencer: "03" })
    );

    // Act
    const attempt = harness.processor(event, lambdaContext());

    // Assert
    await expect(attempt).rejects.toThrow(/1 of 3 record/);
    expect(harness.messages().map((message) => [message.sourceKey, message.status])).toEqual([
      ["a.jpg", "SUCCEEDED"],
      ["c.txt.jpg", "FAILED"],
    ]);
    const retry = await harness.processor(event, lambdaContext());
    expect(retry.counts).toEqual({ duplicate: 2, succeeded: 1 });
    expect(harness.published).toHaveLength(3);
  });

  it("throws without a claim when the claim itself is throttled", async () => {
    // Arrange
    harness.upload(UPLOADS_BUCKET, "photos/p.jpg", photo);
    harness.failNext("Update", awsError("ProvisionedThroughputExceededException", 400));

    // Act
    const attempt = harness.processor(s3Event(s3Record("photos/p.jpg")), lambdaContext());

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(RetryableBatchError);
    expect(await harness.job(jobIdOf("photos/p.jpg"))).toBeUndefined();
    expect(harness.getRequests).toEqual([]);
  });
});

describe("image processor, last attempt (MAX_ATTEMPTS)", () => {
  const noAnswer = () =>
    Object.assign(new Error("no answer within 5000 ms"), { name: "TimeoutError" });

  async function withMaxAttempts(maxAttempts: string): Promise<PipelineHarness> {
    await harness.dispose();
    harness = await PipelineHarness.create(emulator, { MAX_ATTEMPTS: maxAttempts });

    return harness;
  }

  it("ends a job whose third attempt still hits a transient error as FAILED, publishes the failure and returns normally", async () => {
    // Arrange
    harness.upload(UPLOADS_BUCKET, "photos/p.jpg", photo);
    const event = s3Event(s3Record("photos/p.jpg"));
    const jobId = jobIdOf("photos/p.jpg");
    harness.failNext(
      "GetObject",
      awsError("InternalError", 500, "We encountered an internal error"),
      3
    );
    await expect(harness.processor(event, lambdaContext())).rejects.toBeInstanceOf(
      RetryableBatchError
    );
    await expect(harness.processor(event, lambdaContext())).rejects.toBeInstanceOf(
      RetryableBatchError
    );

    // Act
    const last = await harness.processor(event, lambdaContext());

    // Assert
    const reason = "gave up after 3 attempts: InternalError: We encountered an internal error";
    expect(last.counts).toEqual({ failed: 1 });
    expect(await harness.job(jobId)).toMatchObject({
      status: "FAILED",
      attempts: 3,
      errorKind: "retries-exhausted",
      errorReason: reason,
    });
    expect(harness.published).toHaveLength(1);
    expect(harness.published[0]!.input).toMatchObject({
      Subject: "image-failed",
      MessageAttributes: { status: { DataType: "String", StringValue: "FAILED" } },
    });
    expect(harness.messages()[0]).toMatchObject({
      jobId,
      status: "FAILED",
      sourceKey: "photos/p.jpg",
      error: { kind: "retries-exhausted", reason },
    });
    expect(harness.keysIn(THUMBNAILS_BUCKET)).toEqual([]);
    const gaveUp = harness.logs.withMessage("gave up");
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]).toMatchObject({ level: "ERROR", jobId, step: "download", attempts: 3 });
  });

  it("gives up on the attempt that MAX_ATTEMPTS names", async () => {
    // Arrange
    await withMaxAttempts("2");
    harness.upload(UPLOADS_BUCKET, "photos/p.jpg", photo);
    const event = s3Event(s3Record("photos/p.jpg"));
    harness.failNext("PutObject", awsError("SlowDown", 503), 2);
    await expect(harness.processor(event, lambdaContext())).rejects.toBeInstanceOf(
      RetryableBatchError
    );

    // Act
    const last = await harness.processor(event, lambdaContext());

    // Assert
    expect(last.counts).toEqual({ failed: 1 });
    expect(await harness.job(jobIdOf("photos/p.jpg"))).toMatchObject({
      status: "FAILED",
      attempts: 2,
      errorKind: "retries-exhausted",
    });
    expect(harness.messages().map((message) => message.status)).toEqual(["FAILED"]);
  });

  it("throws when even the failure message cannot be published, so the on-failure destination gets the event", async () => {
    // Arrange
    await withMaxAttempts("1");
    harness.upload(UPLOADS_BUCKET, "photos/p.jpg", photo);
    harness.failNext("GetObject", awsError("InternalError", 500));
    harness.failNext("Publish", awsError("Throttling", 400));

    // Act
    const attempt = harness.processor(s3Event(s3Record("photos/p.jpg")), lambdaContext());

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(RetryableBatchError);
    expect(harness.published).toEqual([]);
    expect(await harness.job(jobIdOf("photos/p.jpg"))).toMatchObject({
      status: "RETRY_PENDING",
      lastErrorStep: "publish",
      leaseExpiresAt: 0,
    });
    expect(
      harness.logs.withMessage(
        "publish failed on the last attempt; the event is left for the on-failure destination"
      )
    ).toHaveLength(1);
  });

  it.each([
    ["the final write fails after the success message went out", "record"],
    ["the success message's answer is lost", "publish"],
  ] as const)(
    "does not contradict a success message that may be out when %s: it throws instead",
    async (_case, step) => {
      // Arrange
      await withMaxAttempts("1");
      harness.upload(UPLOADS_BUCKET, "photos/p.jpg", photo);
      if (step === "record") {
        harness.failNext("Update", awsError("InternalServerError", 500), 1, (input) =>
          JSON.stringify(input.ExpressionAttributeValues).includes("SUCCEEDED")
        );
      } else {
        harness.loseNextPublishAnswer(noAnswer());
      }

      // Act
      const attempt = harness.processor(s3Event(s3Record("photos/p.jpg")), lambdaContext());

      // Assert
      await expect(attempt).rejects.toBeInstanceOf(RetryableBatchError);
      expect(harness.messages().map((message) => message.status)).toEqual(["SUCCEEDED"]);
      expect(harness.logs.withMessage("gave up")).toEqual([]);
      expect(await harness.job(jobIdOf("photos/p.jpg"))).toMatchObject({
        status: "RETRY_PENDING",
        lastErrorStep: step,
      });
    }
  );

  it("gives up when the service refused the success message, since it never went out", async () => {
    // Arrange
    await withMaxAttempts("1");
    harness.upload(UPLOADS_BUCKET, "photos/p.jpg", photo);
    harness.failNext("Publish", awsError("Throttling", 400));

    // Act
    const summary = await harness.processor(s3Event(s3Record("photos/p.jpg")), lambdaContext());

    // Assert
    expect(summary.counts).toEqual({ failed: 1 });
    expect(harness.messages()).toEqual([
      expect.objectContaining({
        status: "FAILED",
        error: {
          kind: "retries-exhausted",
          reason: "gave up after 1 attempt: Throttling: Throttling",
        },
      }),
    ]);
  });
});
