import type { CallRecord } from "../../local/faults/call-proxy";
import type { ScenarioReport } from "../../local/faults/scenario";
import { judgeRun } from "../../local/faults/verdict";
import type { DeliveryRecord } from "../../local/faults/watched-invoker";

const WINDOW = { startedAt: 1_000, endedAt: 9_000, timedOut: false };
const AT = "1970-01-01T00:00:02.000Z";

function delivery(key: string, sequencer: string, attempts = 1): DeliveryRecord {
  return {
    functionName: "p-image-processor",
    copy: 1,
    objects: [{ bucket: "p-uploads", key, sequencer }],
    messageIds: [],
    attempts,
    ok: true,
    sentToDestination: false,
    startedAt: 2_000,
    endedAt: 3_000,
  };
}

function publish(jobId: string, messageId: string): CallRecord {
  return {
    functionName: "p-image-processor",
    service: "sns",
    operation: "Publish",
    action: "sns:Publish",
    resource: "arn:aws:sns:r:0:p-events",
    item: jobId,
    at: 2_500,
    status: 200,
    messageId,
  };
}

function job(key: string, sequencer: string, status: string) {
  return {
    jobId: `job-${key}-${sequencer}`,
    sourceKey: key,
    sourceSequencer: sequencer,
    status,
    receivedAt: AT,
  };
}

function report(parts: Partial<ScenarioReport> & Pick<ScenarioReport, "uploads">): ScenarioReport {
  return {
    stackJson: "stack.json",
    outputs: {
      stackName: "p",
      region: "r",
      uploadsBucket: "p-uploads",
      thumbnailsBucket: "p-thumbnails",
      analyticsBucket: "p-analytics",
      jobsTable: "p-jobs",
      topicArn: "arn:aws:sns:r:0:p-events",
    },
    startedAt: AT,
    processingMs: 8_000,
    phases: [WINDOW],
    faults: {
      seed: 1,
      injected: { throttle: 0, "server-error": 0, timeout: 0, delay: 0, drop: 0 },
      byOperation: {},
    },
    calls: [],
    deliveries: [],
    inventory: { jobs: [], thumbnails: [], analytics: [], failures: [] },
    ...parts,
  };
}

const upload = (key: string, status: "SUCCEEDED" | "FAILED" = "SUCCEEDED") => ({
  key,
  file: `${key}.jpg`,
  expect: { status },
  phase: 0,
  bytes: 1,
  sha256: "x",
  uploadedAt: 1_500,
});

describe("judgeRun", () => {
  it("counts a job with its record, one message and one document as succeeded", () => {
    // Arrange
    const run = report({
      uploads: [upload("a")],
      deliveries: [delivery("a", "S1")],
      calls: [
        {
          functionName: "p-image-processor",
          service: "s3",
          operation: "PutObject",
          action: "s3:PutObject",
          resource: "arn:aws:s3:::p-thumbnails/a",
          at: 2_400,
          status: 200,
        },
        publish("job-a-S1", "m1"),
      ],
      inventory: {
        jobs: [job("a", "S1", "SUCCEEDED")],
        thumbnails: [{ key: "a", bytes: 1 }],
        analytics: [{ key: "d/m1.json", messageId: "m1", jobId: "job-a-S1", status: "SUCCEEDED" }],
        failures: [],
      },
    });

    // Act
    const { uploads, totals } = judgeRun(run);

    // Assert
    expect(uploads[0]).toMatchObject({
      status: "SUCCEEDED",
      asExpected: true,
      lost: false,
      duplicated: false,
    });
    expect(totals).toMatchObject({ succeeded: 1, lost: 0, duplicated: 0, unmatchedMessages: 0 });
  });

  it("calls a job lost when it has no document and is on no failure queue", () => {
    // Arrange
    const run = report({
      uploads: [upload("a")],
      deliveries: [delivery("a", "S1", 2)],
      inventory: {
        jobs: [job("a", "S1", "PROCESSING")],
        thumbnails: [],
        analytics: [],
        failures: [],
      },
    });

    // Act
    const { uploads, totals } = judgeRun(run);

    // Assert
    expect(uploads[0]).toMatchObject({ status: "LOST", lost: true, processorAttempts: 2 });
    expect(totals.lost).toBe(1);
  });

  it("counts an event on the processor's failure queue as kept, not lost", () => {
    // Arrange
    const event = { Records: [{ s3: { object: { key: "a+b", sequencer: "S1" } } }] };
    const run = report({
      uploads: [upload("a b")],
      deliveries: [delivery("a b", "S1", 3)],
      inventory: {
        jobs: [job("a b", "S1", "RETRY_PENDING")],
        thumbnails: [],
        analytics: [],
        failures: [
          {
            functionName: "p-image-processor",
            record: {
              version: "1.0",
              timestamp: AT,
              requestContext: {
                requestId: "r",
                functionArn: "f",
                condition: "RetriesExhausted",
                approximateInvokeCount: 3,
              },
              requestPayload: event,
              responseContext: { statusCode: 200, functionError: "Unhandled" },
              responsePayload: { errorType: "E", errorMessage: "m" },
            },
          },
        ],
      },
    });

    // Act
    const [verdict] = judgeRun(run).uploads;

    // Assert
    expect(verdict).toMatchObject({
      status: "ON_FAILURE_QUEUE",
      lost: false,
      onFailureQueue: true,
    });
  });

  it("calls two jobs for one upload, or a document beyond the messages, duplicated", () => {
    // Arrange
    const run = report({
      uploads: [upload("a"), upload("b")],
      deliveries: [delivery("a", "S1"), delivery("b", "S2")],
      calls: [publish("job-a-S1", "m1"), publish("job-b-S2", "m2")],
      inventory: {
        jobs: [
          job("a", "S1", "SUCCEEDED"),
          job("a", "S9", "SUCCEEDED"),
          job("b", "S2", "SUCCEEDED"),
        ],
        thumbnails: [],
        analytics: [
          { key: "d/m1.json", messageId: "m1", jobId: "job-a-S1", status: "SUCCEEDED" },
          { key: "d/m2.json", messageId: "m2", jobId: "job-b-S2", status: "SUCCEEDED" },
          { key: "d/m3.json", messageId: "m3", jobId: "job-b-S2", status: "SUCCEEDED" },
        ],
        failures: [],
      },
    });

    // Act
    const { uploads, totals } = judgeRun(run);

    // Assert
    expect(uploads.map((u) => [u.key, u.duplicated, u.jobs])).toEqual([
      ["a", true, 2],
      ["b", true, 1],
    ]);
    expect(totals).toMatchObject({ duplicated: 2, unmatchedMessages: 1 });
  });

  it("calls a FAILED job with the wrong error kind unexpected", () => {
    // Arrange
    const run = report({
      uploads: [{ ...upload("a", "FAILED"), expect: { status: "FAILED", kind: "empty" } }],
      deliveries: [delivery("a", "S1")],
      calls: [publish("job-a-S1", "m1")],
      inventory: {
        jobs: [{ ...job("a", "S1", "FAILED"), errorKind: "corrupt" }],
        thumbnails: [],
        analytics: [{ key: "d/m1.json", messageId: "m1", jobId: "job-a-S1", status: "FAILED" }],
        failures: [],
      },
    });

    // Act
    const { totals } = judgeRun(run);

    // Assert
    expect(totals).toMatchObject({ failedAsExpected: 0, unexpected: 1, lost: 0 });
  });
});
