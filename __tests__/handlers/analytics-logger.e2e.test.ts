import type { SNSEvent } from "aws-lambda";

import { RetryableBatchError } from "../../handlers/lib/errors";
import {
  ANALYTICS_BUCKET,
  type DynamoEmulator,
  PipelineHarness,
  awsError,
  lambdaContext,
  startDynamo,
} from "./support/pipeline-harness";
import { readEvent } from "./support/shared-material";

let emulator: DynamoEmulator;
let harness: PipelineHarness;

beforeAll(async () => {
  emulator = await startDynamo();
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

describe("analytics logger, end to end with a mocked S3", () => {
  it("writes a JSON document with Content-Type application/json per message", async () => {
    // Arrange
    const event = readEvent<SNSEvent>("sns-event-two-records.json");

    // Act
    const summary = await harness.analytics(event, lambdaContext());

    // Assert
    expect(summary.written).toHaveLength(2);
    const put = harness.putRequests[0]!;
    expect(put).toMatchObject({ Bucket: ANALYTICS_BUCKET, ContentType: "application/json" });
    expect(put).not.toHaveProperty("ACL");
    const stored = JSON.parse(
      harness.object(ANALYTICS_BUCKET, summary.written[0]!)!.body.toString("utf8")
    );
    expect(stored).toMatchObject({ schemaVersion: 1, jobId: "job-0001", status: "SUCCEEDED" });
  });

  it("stores a non-JSON message raw and flagged, and logs a warning", async () => {
    // Arrange
    const event = readEvent<SNSEvent>("sns-event-two-records.json");
    event.Records = [event.Records[0]!];
    event.Records[0]!.Sns.Message = "<html>not json</html>";

    // Act
    const summary = await harness.analytics(event, lambdaContext());

    // Assert
    const stored = JSON.parse(
      harness.object(ANALYTICS_BUCKET, summary.written[0]!)!.body.toString("utf8")
    );
    expect(stored).toMatchObject({ malformed: true, rawMessage: "<html>not json</html>" });
    expect(harness.logs.withMessage("malformed message")).toHaveLength(1);
  });

  it("stores the other records when one write fails, then throws so Lambda retries", async () => {
    // Arrange
    const event = readEvent<SNSEvent>("sns-event-two-records.json");
    harness.failNext("PutObject", awsError("InternalError", 500));

    // Act
    const attempt = harness.analytics(event, lambdaContext());

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(RetryableBatchError);
    expect(harness.keysIn(ANALYTICS_BUCKET)).toEqual([
      "image-events/dt=2026-11-30/9a7f6c1e-2b3d-4e5f-8a9b-0c1d2e3f4a02.json",
    ]);
    expect(harness.logs.lines.filter((line) => line.level === "ERROR")).toHaveLength(1);
  });

  it("logs every stored document with the message id, job id and key", async () => {
    // Arrange
    const event = readEvent<SNSEvent>("sns-event-two-records.json");

    // Act
    await harness.analytics(event, lambdaContext());

    // Assert
    expect(
      harness.logs.withMessage("stored").map((line) => [line.messageId, line.jobId, line.key])
    ).toEqual([
      ["9a7f6c1e-2b3d-4e5f-8a9b-0c1d2e3f4a01", "job-0001", "photos/a.jpg"],
      ["9a7f6c1e-2b3d-4e5f-8a9b-0c1d2e3f4a02", "job-0002", "notes.jpg"],
    ]);
  });
});
