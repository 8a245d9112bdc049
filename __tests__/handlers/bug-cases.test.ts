import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { S3Event, SNSEvent } from "aws-lambda";
import sharp from "sharp";

import { computeJobId } from "../../handlers/lib/job-id";
import { claimJobInput, completeJobInput } from "../../handlers/lib/job-record";
import {
  ANALYTICS_BUCKET,
  type DynamoEmulator,
  PipelineHarness,
  THUMBNAILS_BUCKET,
  UPLOADS_BUCKET,
  createJobsTable,
  emulatorClient,
  lambdaContext,
  s3Event,
  s3Record,
  startDynamo,
} from "./support/pipeline-harness";
import {
  readEvent,
  readSharedFixture,
  sharedBugsAvailable,
  sharedFixturesAvailable,
} from "./support/shared-material";
import {
  GPS_IFD_POINTER_TAG,
  alphaPng,
  cutOff,
  exifIfd0Tags,
  greyPixels,
  jpegWithGps,
  jpegWithOrientation,
  meanAbsoluteDifference,
  noiseImage,
  pngDeclaring,
  storedForOrientation,
  uprightCard,
} from "./support/test-images";

let emulator: DynamoEmulator;
let harness: PipelineHarness;
let photo: Buffer;

const haveFixtures = sharedFixturesAvailable();
const haveBugs = sharedBugsAvailable();
const withFixtures = haveFixtures ? it : it.skip;

/** The repository copies always; the shared originals too when present. */
const EVENT_SOURCES: ["local" | "shared", string][] = [
  ["local", "repository copy"],
  ...(haveBugs ? ([["shared", "shared bug file"]] as ["shared", string][]) : []),
];

beforeAll(async () => {
  emulator = await startDynamo();
  photo = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#2a6f97" } })
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

/** Runs the processor on an event, then the analytics logger on what it published. */
async function runPipeline(event: S3Event) {
  const summary = await harness.processor(event, lambdaContext());
  const analytics = await harness.analytics(harness.snsEventOfPublished(), lambdaContext());
  const documents = analytics.written.map(
    (key) =>
      JSON.parse(harness.object(ANALYTICS_BUCKET, key)!.body.toString("utf8")) as Record<
        string,
        unknown
      >
  );

  return { summary, documents };
}

function jobIdFor(event: S3Event, key: string): string {
  const object = event.Records[0]!.s3.object;

  return computeJobId({
    bucket: event.Records[0]!.s3.bucket.name,
    key,
    sequencer: object.sequencer,
  });
}

/** Processes one upload end to end and returns its job record, message and analytics document. */
async function processUpload(key: string, body: Buffer) {
  harness.upload(UPLOADS_BUCKET, key, body);
  const event = s3Event(s3Record(encodeURIComponent(key), { size: body.length }));
  const { summary, documents } = await runPipeline(event);

  return {
    summary,
    item: await harness.job(jobIdFor(event, key)),
    message: harness.messages()[0],
    document: documents[0],
    thumbnail: harness.object(THUMBNAILS_BUCKET, key),
  };
}

describe.each(EVENT_SOURCES)("key decoding cases (%s event: %s)", (source) => {
  it.each([
    ["K1", "s3-event-spaces.json", "photos/summer trip/beach day(1).jpg"],
    ["K2", "s3-event-unicode.json", "café/naïve ✓.png"],
    ["K3", "s3-event-plus.json", "a+b.jpg"],
  ])(
    "%s: reads the object under its real key and keeps the decoded key in the record, thumbnail and analytics (%s)",
    async (_id, file, realKey) => {
      // Arrange
      const event = readEvent<S3Event>(file, source);
      event.Records[0]!.s3.bucket.name = UPLOADS_BUCKET;
      harness.upload(
        UPLOADS_BUCKET,
        realKey.replace(/\+/g, " "),
        Buffer.from("decoy under a wrongly decoded key")
      );
      harness.upload(UPLOADS_BUCKET, realKey, photo);

      // Act
      const { summary, documents } = await runPipeline(event);

      // Assert
      expect(summary.counts).toEqual({ succeeded: 1 });
      expect(harness.getRequests.map((request) => request.Key)).toEqual([realKey]);
      expect(await harness.job(jobIdFor(event, realKey))).toMatchObject({
        status: "SUCCEEDED",
        sourceKey: realKey,
        thumbnailKey: realKey,
      });
      expect(harness.keysIn(THUMBNAILS_BUCKET)).toEqual([realKey]);
      expect(documents).toHaveLength(1);
      expect(documents[0]).toMatchObject({ sourceKey: realKey, thumbnailKey: realKey });
    }
  );
});

describe("D1: the same S3 event delivered twice", () => {
  it("D1: leaves one job record, one thumbnail object and one success message, and logs the duplicate", async () => {
    // Arrange
    const event = readEvent<S3Event>("s3-event-spaces.json");
    event.Records[0]!.s3.bucket.name = UPLOADS_BUCKET;
    const key = "photos/summer trip/beach day(1).jpg";
    harness.upload(UPLOADS_BUCKET, key, photo);
    const jobId = jobIdFor(event, key);

    // Act
    const first = await harness.processor(event, lambdaContext());
    const recordAfterFirst = await harness.job(jobId);
    const second = await harness.processor(event, lambdaContext());

    // Assert
    expect([first.counts, second.counts]).toEqual([{ succeeded: 1 }, { duplicate: 1 }]);
    expect(await harness.job(jobId)).toEqual(recordAfterFirst);
    expect(harness.putRequests.filter((put) => put.Bucket === THUMBNAILS_BUCKET)).toHaveLength(1);
    expect(harness.messages().filter((message) => message.status === "SUCCEEDED")).toHaveLength(1);
    const duplicateLines = harness.logs.withMessage("duplicate");
    expect(duplicateLines).toHaveLength(1);
    expect(duplicateLines[0]).toMatchObject({ jobId, key });
  });
});

describe("O1: EXIF orientation 6", () => {
  withFixtures(
    "O1: makes exif-Landscape_6.jpg an upright landscape 128x85 thumbnail matching Landscape_1",
    async () => {
      // Arrange
      const reference = await processUpload(
        "reference.jpg",
        readSharedFixture("exif-Landscape_1.jpg")
      );
      const stored = readSharedFixture("exif-Landscape_6.jpg");
      const tagIgnored = await sharp(stored).resize(128, 128, { fit: "inside" }).toBuffer();

      // Act
      harness.upload(UPLOADS_BUCKET, "phone.jpg", stored);
      await harness.processor(s3Event(s3Record("phone.jpg", { sequencer: "06" })), lambdaContext());

      // Assert
      const thumbnail = harness.object(THUMBNAILS_BUCKET, "phone.jpg")!.body;
      const meta = await sharp(thumbnail).metadata();
      expect([meta.width, meta.height]).toEqual([128, 85]);
      const expected = await greyPixels(reference.thumbnail!.body, 96, 64);
      expect(meanAbsoluteDifference(await greyPixels(thumbnail, 96, 64), expected)).toBeLessThan(2);
      expect(
        meanAbsoluteDifference(await greyPixels(tagIgnored, 96, 64), expected)
      ).toBeGreaterThan(40);
    }
  );

  it("O1: makes a generated orientation-6 JPEG upright and landscape, matching its orientation-1 twin", async () => {
    // Arrange
    const card = uprightCard();
    const reference = await processUpload("reference.jpg", await jpegWithOrientation(card, 1));
    const rotated = await jpegWithOrientation(storedForOrientation(card, 6), 6);

    // Act
    harness.upload(UPLOADS_BUCKET, "phone.jpg", rotated);
    await harness.processor(s3Event(s3Record("phone.jpg", { sequencer: "06" })), lambdaContext());

    // Assert
    const thumbnail = harness.object(THUMBNAILS_BUCKET, "phone.jpg")!.body;
    const meta = await sharp(thumbnail).metadata();
    expect([meta.width, meta.height]).toEqual([128, 85]);
    const expected = await greyPixels(reference.thumbnail!.body, 96, 64);
    expect(meanAbsoluteDifference(await greyPixels(thumbnail, 96, 64), expected)).toBeLessThan(3);
  });
});

describe("A1: transparent input", () => {
  withFixtures(
    "A1: keeps the transparency of sharp-blackbug.png in a PNG thumbnail, never a black background",
    async () => {
      // Arrange
      const input = readSharedFixture("sharp-blackbug.png");

      // Act
      const { thumbnail, item } = await processUpload("bug.png", input);

      // Assert
      expect(item).toMatchObject({ status: "SUCCEEDED", thumbnailWidth: 128, thumbnailHeight: 96 });
      expect(thumbnail?.contentType).toBe("image/png");
      const meta = await sharp(thumbnail!.body).metadata();
      expect([meta.format, meta.hasAlpha]).toEqual(["png", true]);
      const alpha = (await sharp(thumbnail!.body).stats()).channels[3]!;
      expect(alpha.min).toBe(0);
      const flatThumbnail = await sharp(thumbnail!.body)
        .flatten({ background: "#ffffff" })
        .png()
        .toBuffer();
      const flatSource = await sharp(input)
        .flatten({ background: "#ffffff" })
        .resize(128, 96)
        .png()
        .toBuffer();
      const shown = await greyPixels(flatThumbnail, 128, 96);
      expect(shown.reduce((sum, value) => sum + value, 0) / shown.length).toBeGreaterThan(200);
      expect(meanAbsoluteDifference(shown, await greyPixels(flatSource, 128, 96))).toBeLessThan(5);
    }
  );

  it("A1: keeps the transparent background of a generated RGBA PNG transparent", async () => {
    // Arrange
    const input = await alphaPng();

    // Act
    const { thumbnail } = await processUpload("disc.png", input);

    // Assert
    expect(thumbnail?.contentType).toBe("image/png");
    const { data, info } = await sharp(thumbnail!.body).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect(data[3]).toBe(0);
  });
});

describe("E1-E4: hopeless inputs", () => {
  it.each([
    ["E1", "upload.jpg", async () => Buffer.alloc(0), "empty", /empty/],
    [
      "E2",
      "notes.jpg",
      async () => Buffer.from("Shopping list\n- milk\n- bread\n"),
      "unsupported-format",
      /not an image|unsupported|recogni/,
    ],
    [
      "E3",
      "bomb.png",
      () => pngDeclaring(100_000, 100_000),
      "too-many-pixels",
      /too many pixels|more than the limit/,
    ],
    [
      "E4",
      "cut.jpg",
      async () => cutOff(await noiseImage("jpeg"), 0.4),
      "truncated",
      /truncated or corrupt/,
    ],
  ] as const)(
    "%s: ends %s as FAILED, publishes a failure message, writes an analytics entry, and does not throw",
    async (_id, key, make, kind, reason) => {
      // Arrange
      const body = await make();

      // Act
      const { summary, item, message, document, thumbnail } = await processUpload(key, body);

      // Assert
      expect(summary.counts).toEqual({ failed: 1 });
      expect(item).toMatchObject({ status: "FAILED", errorKind: kind });
      expect(String(item?.errorReason)).toMatch(reason);
      expect(message).toMatchObject({ status: "FAILED", error: { kind } });
      expect(harness.published[0]!.input.MessageAttributes?.status?.StringValue).toBe("FAILED");
      expect(document).toMatchObject({
        eventType: "image-failed",
        status: "FAILED",
        sourceKey: key,
        error: { kind },
      });
      expect(thumbnail).toBeUndefined();
    }
  );

  withFixtures(
    "E3: rejects sharp-giant-image.jpg (280 Mpx) from its header, before any decoding",
    async () => {
      // Arrange
      const input = readSharedFixture("sharp-giant-image.jpg");

      // Act
      const { item } = await processUpload("giant.jpg", input);

      // Assert
      expect(item).toMatchObject({ status: "FAILED", errorKind: "too-many-pixels" });
      expect(String(item?.errorReason)).toContain("20000x14000");
      expect(harness.logs.withMessage("resized")).toEqual([]);
      expect(harness.logs.withMessage("rejected")).toHaveLength(1);
    }
  );

  withFixtures("E4: rejects sharp-truncated.jpg as truncated and writes no thumbnail", async () => {
    // Arrange
    const input = readSharedFixture("sharp-truncated.jpg");

    // Act
    const { item, thumbnail } = await processUpload("truncated.jpg", input);

    // Assert
    expect(item).toMatchObject({ status: "FAILED", errorKind: "truncated" });
    expect(String(item?.errorReason)).toMatch(/truncated or corrupt/);
    expect(thumbnail).toBeUndefined();
    expect(harness.keysIn(THUMBNAILS_BUCKET)).toEqual([]);
  });
});

describe("P1: location metadata", () => {
  it("P1: publishes a thumbnail without EXIF, GPS, XMP or IPTC from a JPEG that carries GPS coordinates", async () => {
    // Arrange
    const input = await jpegWithGps();
    expect(exifIfd0Tags((await sharp(input).metadata()).exif!)).toContain(GPS_IFD_POINTER_TAG);

    // Act
    const { thumbnail } = await processUpload("holiday.jpg", input);

    // Assert
    const meta = await sharp(thumbnail!.body).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.iptc).toBeUndefined();
    expect(thumbnail!.body.includes(Buffer.from("Exif\0\0", "latin1"))).toBe(false);
    expect(JSON.stringify(harness.messages()[0])).not.toMatch(/GPS|ExampleCam/);
  });
});

describe.each(EVENT_SOURCES)("N1: two SNS records in one invocation (%s event: %s)", (source) => {
  it("N1: writes two documents named by MessageId, and a redelivery overwrites them", async () => {
    // Arrange
    const event = readEvent<SNSEvent>("sns-event-two-records.json", source);

    // Act
    const first = await harness.analytics(event, lambdaContext());
    const again = await harness.analytics(event, lambdaContext());

    // Assert
    const expected = [
      "image-events/dt=2026-11-30/9a7f6c1e-2b3d-4e5f-8a9b-0c1d2e3f4a01.json",
      "image-events/dt=2026-11-30/9a7f6c1e-2b3d-4e5f-8a9b-0c1d2e3f4a02.json",
    ];
    expect(first.written).toEqual(expected);
    expect(again.written).toEqual(expected);
    expect(harness.keysIn(ANALYTICS_BUCKET).sort()).toEqual(expected);
    const documents = expected.map((key) =>
      JSON.parse(harness.object(ANALYTICS_BUCKET, key)!.body.toString("utf8"))
    );
    expect(
      documents.map((document) => [document.jobId, document.status, document.sns.messageId])
    ).toEqual([
      ["job-0001", "SUCCEEDED", "9a7f6c1e-2b3d-4e5f-8a9b-0c1d2e3f4a01"],
      ["job-0002", "FAILED", "9a7f6c1e-2b3d-4e5f-8a9b-0c1d2e3f4a02"],
    ]);
  });
});

describe("R1: the reserved word status", () => {
  it("R1: sets status through an expression attribute name, which DynamoDB accepts", async () => {
    // Arrange
    const client = emulatorClient(emulator.endpoint);
    const docs = DynamoDBDocumentClient.from(client);
    const table = await createJobsTable(client);
    const now = new Date();
    const claim = claimJobInput(table, {
      jobId: "job-r1",
      attemptId: "a1",
      sourceBucket: UPLOADS_BUCKET,
      sourceKey: "r1.jpg",
      now,
      leaseExpiresAt: now.getTime() + 60_000,
    });
    const complete = completeJobInput(table, "a1", {
      jobId: "job-r1",
      status: "SUCCEEDED",
      sourceBucket: UPLOADS_BUCKET,
      sourceKey: "r1.jpg",
      receivedAt: now.toISOString(),
      finishedAt: now.toISOString(),
      durationMs: 0,
    });
    const bare = new UpdateCommand({
      TableName: table,
      Key: { jobId: "job-r1" },
      UpdateExpression: "SET status = :status",
      ExpressionAttributeValues: { ":status": "FAILED" },
    });

    // Act
    await docs.send(new UpdateCommand(claim));
    await docs.send(new UpdateCommand(complete));
    const bareAttempt = docs.send(bare);

    // Assert
    expect(complete.UpdateExpression).toContain("#status = ");
    expect(complete.ExpressionAttributeNames).toMatchObject({ "#status": "status" });
    await expect(bareAttempt).rejects.toThrow(/reserved keyword/);
    const stored = await docs.send(new GetCommand({ TableName: table, Key: { jobId: "job-r1" } }));
    expect(stored.Item?.status).toBe("SUCCEEDED");
    const { item } = await processUpload("r1.jpg", photo);
    expect(item?.status).toBe("SUCCEEDED");
  });
});
