import type { SNSEvent, SNSEventRecord } from "aws-lambda";

import {
  analyticsObjectKey,
  buildAnalyticsDocument,
  parseMessageBody,
} from "../../handlers/lib/analytics-document";
import { readEvent } from "./support/shared-material";

const RECEIVED = new Date("2026-11-30T10:15:33.000Z");

function record(overrides: Partial<SNSEventRecord["Sns"]> = {}): SNSEventRecord {
  const base = readEvent<SNSEvent>("sns-event-two-records.json").Records[0]!;

  return { ...base, Sns: { ...base.Sns, ...overrides } };
}

describe("parseMessageBody", () => {
  it.each([
    ["not json", /not JSON/],
    ["[1,2]", /array/],
    ["42", /number/],
    ["null", /object/],
  ])("reports %j as not a JSON object", (raw, reason) => {
    // Arrange, Act
    const parsed = parseMessageBody(raw);

    // Assert
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(reason);
  });
});

describe("buildAnalyticsDocument", () => {
  it("maps a contract message to the document fields", () => {
    // Arrange
    const message = {
      schemaVersion: 1,
      jobId: "job-1",
      status: "SUCCEEDED",
      sourceBucket: "uploads",
      sourceKey: "photos/a b.jpg",
      thumbnailBucket: "thumbs",
      thumbnailKey: "photos/a b.jpg",
      source: { width: 1800, height: 1200, bytes: 347327, format: "jpeg" },
      thumbnail: { width: 128, height: 85, bytes: 3518, format: "jpeg" },
      durationMs: 180,
      receivedAt: "2026-11-30T10:15:31.000Z",
      finishedAt: "2026-11-30T10:15:31.180Z",
    };

    // Act
    const document = buildAnalyticsDocument(record({ Message: JSON.stringify(message) }), RECEIVED);

    // Assert
    expect(document).toMatchObject({
      schemaVersion: 1,
      eventType: "image-processed",
      malformed: false,
      jobId: "job-1",
      status: "SUCCEEDED",
      sourceKey: "photos/a b.jpg",
      thumbnailKey: "photos/a b.jpg",
      source: message.source,
      thumbnail: message.thumbnail,
      durations: { processingMs: 180, deliveryLagMs: 1544 },
      sns: {
        messageId: "9a7f6c1e-2b3d-4e5f-8a9b-0c1d2e3f4a01",
        topicArn: "arn:aws:sns:ap-south-1:111122223333:activity4-image-pipeline-dev-events",
        subject: "image-processed",
        timestamp: "2026-11-30T10:15:31.456Z",
      },
      timestamps: {
        jobReceivedAt: message.receivedAt,
        jobFinishedAt: message.finishedAt,
        publishedAt: "2026-11-30T10:15:31.456Z",
      },
      receivedAt: RECEIVED.toISOString(),
      message,
    });
  });

  it("keeps a message that is not JSON, raw and flagged", () => {
    // Arrange
    const raw = "status=SUCCEEDED job=job-1";

    // Act
    const document = buildAnalyticsDocument(record({ Message: raw, Subject: "" }), RECEIVED);

    // Assert
    expect(document).toMatchObject({ malformed: true, rawMessage: raw, eventType: "unknown" });
    expect(document.parseError).toMatch(/not JSON/);
    expect(document).not.toHaveProperty("message");
  });

  it("accepts an error given as a plain string", () => {
    // Arrange
    const body = JSON.stringify({
      jobId: "job-2",
      status: "FAILED",
      error: "unsupported image format",
    });

    // Act
    const document = buildAnalyticsDocument(record({ Message: body }), RECEIVED);

    // Assert
    expect(document).toMatchObject({
      eventType: "image-failed",
      error: { reason: "unsupported image format" },
    });
  });
});

describe("analyticsObjectKey", () => {
  it("partitions by the UTC day of the SNS timestamp and names the file by MessageId", () => {
    // Arrange
    const late = record({ Timestamp: "2026-11-30T23:59:59.999Z", MessageId: "m-1" });

    // Act
    const key = analyticsObjectKey("image-events", late, new Date("2026-12-01T00:00:01.000Z"));

    // Assert
    expect(key).toBe("image-events/dt=2026-11-30/m-1.json");
  });

  it("falls back to the receipt day when the SNS timestamp is unreadable", () => {
    // Arrange
    const odd = record({ Timestamp: "yesterday", MessageId: "m-2" });

    // Act
    const key = analyticsObjectKey("p", odd, RECEIVED);

    // Assert
    expect(key).toBe("p/dt=2026-11-30/m-2.json");
  });

  it("never lets a MessageId add path segments", () => {
    // Arrange
    const hostile = record({ MessageId: "../../escape" });

    // Act
    const key = analyticsObjectKey("p", hostile, RECEIVED);

    // Assert
    expect(key).toMatch(/^p\/dt=2026-11-30\/[0-9a-f]{64}\.json$/);
  });
});
