import { buildJobMessage, publishJobMessageInput } from "../../handlers/lib/job-message";
import type { JobResult } from "../../handlers/lib/job-result";

const FAILED: JobResult = {
  jobId: "job-2",
  status: "FAILED",
  sourceBucket: "uploads",
  sourceKey: "notes.jpg",
  sourceBytes: 31,
  error: {
    kind: "unsupported-format",
    reason: "The upload is not an image in a recognised format.",
  },
  receivedAt: "2026-11-30T10:15:30.000Z",
  finishedAt: "2026-11-30T10:15:30.020Z",
  durationMs: 20,
};

describe("buildJobMessage", () => {
  it("builds the contract's failure message without thumbnail fields", () => {
    // Arrange, Act
    const message = buildJobMessage(FAILED);

    // Assert
    expect(message).toEqual({
      schemaVersion: 1,
      jobId: "job-2",
      status: "FAILED",
      sourceBucket: "uploads",
      sourceKey: "notes.jpg",
      durationMs: 20,
      error: {
        kind: "unsupported-format",
        reason: "The upload is not an image in a recognised format.",
      },
      receivedAt: "2026-11-30T10:15:30.000Z",
      finishedAt: "2026-11-30T10:15:30.020Z",
    });
  });

  it("stays far below SNS's 256 KB limit even with a 1024-byte key of 4-byte characters", () => {
    // Arrange
    const key = "😀".repeat(256);
    const result: JobResult = {
      ...FAILED,
      status: "SUCCEEDED",
      sourceKey: key,
      thumbnailBucket: "thumbs",
      thumbnailKey: key,
      source: { width: 1, height: 1, bytes: 1, format: "jpeg" },
      thumbnail: { width: 1, height: 1, bytes: 1, format: "jpeg" },
      error: undefined,
    };

    // Act
    const input = publishJobMessageInput("arn:topic", buildJobMessage(result));

    // Assert
    expect(Buffer.byteLength(input.Message ?? "")).toBeLessThan(4096);
  });

  it("publishes with the status subject and a String status attribute", () => {
    // Arrange, Act
    const input = publishJobMessageInput("arn:topic", buildJobMessage(FAILED));

    // Assert
    expect(input).toMatchObject({
      TopicArn: "arn:topic",
      Subject: "image-failed",
      MessageAttributes: { status: { DataType: "String", StringValue: "FAILED" } },
    });
    expect(JSON.parse(input.Message ?? "")).toEqual(buildJobMessage(FAILED));
  });
});
