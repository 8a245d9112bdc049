import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";

import {
  type JobClaim,
  claimJobInput,
  completeJobInput,
  readJobInput,
  refusalReason,
  releaseJobInput,
} from "../../handlers/lib/job-record";
import type { JobResult } from "../../handlers/lib/job-result";
import {
  type DynamoEmulator,
  createJobsTable,
  emulatorClient,
  startDynamo,
} from "./support/pipeline-harness";

let emulator: DynamoEmulator;
let client: DynamoDBClient;
let docs: DynamoDBDocumentClient;
let table: string;

const T0 = new Date("2026-11-30T10:15:30.000Z");

function claim(overrides: Partial<JobClaim> = {}): JobClaim {
  return {
    jobId: "job-1",
    attemptId: "attempt-1",
    sourceBucket: "uploads",
    sourceKey: "photos/a b.jpg",
    sourceSequencer: "0065A1",
    sourceBytes: 1234,
    now: T0,
    leaseExpiresAt: T0.getTime() + 60_000,
    ...overrides,
  };
}

const SUCCESS: JobResult = {
  jobId: "job-1",
  status: "SUCCEEDED",
  sourceBucket: "uploads",
  sourceKey: "photos/a b.jpg",
  thumbnailBucket: "thumbs",
  thumbnailKey: "photos/a b.jpg",
  thumbnailContentType: "image/jpeg",
  source: { width: 1800, height: 1200, bytes: 1234, format: "jpeg" },
  thumbnail: { width: 128, height: 85, bytes: 3000, format: "jpeg" },
  receivedAt: T0.toISOString(),
  finishedAt: "2026-11-30T10:15:31.000Z",
  durationMs: 1000,
};

async function send(input: UpdateCommandInput): Promise<string> {
  try {
    await docs.send(new UpdateCommand(input));

    return "ok";
  } catch (error) {
    return (error as Error).name;
  }
}

async function item(): Promise<Record<string, unknown> | undefined> {
  return (await docs.send(new GetCommand(readJobInput(table, "job-1")))).Item;
}

beforeAll(async () => {
  emulator = await startDynamo();
  client = emulatorClient(emulator.endpoint);
  docs = DynamoDBDocumentClient.from(client);
});

afterAll(async () => {
  await emulator.stop();
});

beforeEach(async () => {
  table = await createJobsTable(client);
});

describe("job record expressions", () => {
  it("refer to every attribute through a #name placeholder, never by its bare name", () => {
    // Arrange
    const inputs = [
      claimJobInput("jobs", claim({ sourceVersionId: "v1", sourceETag: "e" })),
      completeJobInput("jobs", "attempt-1", SUCCESS),
      releaseJobInput("jobs", {
        jobId: "job-1",
        attemptId: "a",
        errorKind: "transient",
        errorReason: "r",
        errorStep: "store",
        now: T0,
      }),
    ];
    const grammar = new Set([
      "SET",
      "ADD",
      "REMOVE",
      "AND",
      "OR",
      "IN",
      "NOT",
      "if_not_exists",
      "attribute_not_exists",
    ]);

    // Act
    const bareWords = inputs.flatMap((input) =>
      `${input.UpdateExpression} ${input.ConditionExpression}`
        .replace(/[#:][A-Za-z0-9_]+/g, " ")
        .split(/[^A-Za-z_]+/)
        .filter((word) => word !== "" && !grammar.has(word))
    );

    // Assert
    expect(bareWords).toEqual([]);
    for (const input of inputs) {
      expect(input.ExpressionAttributeNames?.["#status"]).toBe("status");
    }
  });
});

describe("job record lifecycle on a DynamoDB emulator", () => {
  it("claims a new job as PROCESSING with one attempt and the first receipt time", async () => {
    // Arrange, Act
    const outcome = await send(claimJobInput(table, claim()));

    // Assert
    expect(outcome).toBe("ok");
    expect(await item()).toMatchObject({
      jobId: "job-1",
      status: "PROCESSING",
      sourceKey: "photos/a b.jpg",
      sourceBytes: 1234,
      attempts: 1,
      attemptId: "attempt-1",
      receivedAt: T0.toISOString(),
      leaseExpiresAt: T0.getTime() + 60_000,
    });
  });

  it("refuses a second claim while the lease is live, and calls it in progress", async () => {
    // Arrange
    await send(claimJobInput(table, claim()));

    // Act
    const outcome = await send(
      claimJobInput(table, claim({ attemptId: "attempt-2", now: new Date(T0.getTime() + 1000) }))
    );

    // Assert
    expect(outcome).toBe("ConditionalCheckFailedException");
    expect(refusalReason(await item())).toBe("in-progress");
  });

  it("answers each granted claim with the job's attempt count", async () => {
    // Arrange
    const first = await docs.send(new UpdateCommand(claimJobInput(table, claim())));
    const later = new Date(T0.getTime() + 61_000);

    // Act
    const second = await docs.send(
      new UpdateCommand(
        claimJobInput(
          table,
          claim({ attemptId: "attempt-2", now: later, leaseExpiresAt: later.getTime() + 60_000 })
        )
      )
    );

    // Assert
    expect(first.Attributes?.attempts).toBe(1);
    expect(second.Attributes?.attempts).toBe(2);
  });

  it("grants a claim once the lease has run out, keeping the first receipt time", async () => {
    // Arrange
    await send(claimJobInput(table, claim()));
    const later = new Date(T0.getTime() + 61_000);

    // Act
    const outcome = await send(
      claimJobInput(
        table,
        claim({ attemptId: "attempt-2", now: later, leaseExpiresAt: later.getTime() + 60_000 })
      )
    );

    // Assert
    expect(outcome).toBe("ok");
    expect(await item()).toMatchObject({
      attemptId: "attempt-2",
      attempts: 2,
      receivedAt: T0.toISOString(),
    });
  });

  it("completes only for the attempt that holds the claim", async () => {
    // Arrange
    await send(claimJobInput(table, claim()));

    // Act
    const stranger = await send(completeJobInput(table, "attempt-2", SUCCESS));
    const holder = await send(completeJobInput(table, "attempt-1", SUCCESS));

    // Assert
    expect([stranger, holder]).toEqual(["ConditionalCheckFailedException", "ok"]);
    const stored = await item();
    expect(stored).toMatchObject({
      status: "SUCCEEDED",
      thumbnailKey: "photos/a b.jpg",
      sourceWidth: 1800,
      thumbnailWidth: 128,
      durationMs: 1000,
    });
    expect(stored).not.toHaveProperty("leaseExpiresAt");
  });

  it("refuses any claim of a finished job and calls it a duplicate", async () => {
    // Arrange
    await send(claimJobInput(table, claim()));
    await send(completeJobInput(table, "attempt-1", SUCCESS));
    const muchLater = new Date(T0.getTime() + 86_400_000);

    // Act
    const outcome = await send(
      claimJobInput(table, claim({ attemptId: "attempt-9", now: muchLater }))
    );

    // Assert
    expect(outcome).toBe("ConditionalCheckFailedException");
    expect(refusalReason(await item())).toBe("duplicate");
  });

  it("records a retryable error and releases the claim so that the retry can claim at once", async () => {
    // Arrange
    await send(claimJobInput(table, claim()));
    const release = releaseJobInput(table, {
      jobId: "job-1",
      attemptId: "attempt-1",
      errorKind: "transient",
      errorReason: "SlowDown: Please reduce your request rate.",
      errorStep: "store",
      now: new Date(T0.getTime() + 500),
    });

    // Act
    const released = await send(release);
    const retried = await send(
      claimJobInput(table, claim({ attemptId: "attempt-2", now: new Date(T0.getTime() + 1000) }))
    );

    // Assert
    expect([released, retried]).toEqual(["ok", "ok"]);
    expect(await item()).toMatchObject({
      status: "PROCESSING",
      attemptId: "attempt-2",
      attempts: 2,
      lastErrorKind: "transient",
      lastErrorStep: "store",
    });
  });
});
