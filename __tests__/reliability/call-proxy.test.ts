/**
 * The call proxy between one function and the emulators: what it records for
 * forwarded calls, and how the SDK sees each injected fault (one attempt, so
 * that the raw error shows). S3 and DynamoDB calls go to real emulators; the
 * SNS faults are answered by the proxy itself, so no SNS emulator is needed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import dynalite from "dynalite";
import S3rver from "s3rver";

import { EMULATOR_CREDENTIALS, LOOPBACK } from "../../local/emulators";
import { CallProxy, CallRecord, startCallProxy } from "../../local/faults/call-proxy";
import { FaultPlan, FaultRule } from "../../local/faults/fault-plan";

const REGION = "ap-south-1";
const TOPIC = "arn:aws:sns:ap-south-1:000000000000:events";

interface Setup {
  readonly proxy: CallProxy;
  readonly calls: CallRecord[];
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly sns: SNSClient;
}

describe("call proxy", () => {
  const dir = mkdtempSync(join(tmpdir(), "call-proxy-"));
  const s3rver = new S3rver({ address: LOOPBACK, port: 0, silent: true, directory: dir });
  const dynamo: Server = dynalite({ createTableMs: 0 });
  let targets: { s3: string; dynamodb: string; sns: string; sqs: string };
  const setups: Setup[] = [];

  beforeAll(async () => {
    const s3Port = (await s3rver.run()).port;
    await new Promise<void>((resolve) => dynamo.listen(0, LOOPBACK, () => resolve()));
    const dynamoPort = (dynamo.address() as AddressInfo).port;
    // Nothing listens on the SNS target: SNS calls here are only ever faulted.
    const seed = new S3Client({
      region: REGION,
      credentials: EMULATOR_CREDENTIALS,
      endpoint: `http://${LOOPBACK}:${s3Port}`,
      forcePathStyle: true,
    });
    await seed.send(new CreateBucketCommand({ Bucket: "uploads" }));
    await seed.send(new PutObjectCommand({ Bucket: "uploads", Key: "a b/c.jpg", Body: "pixels" }));
    seed.destroy();
    targets = {
      s3: `http://${LOOPBACK}:${s3Port}`,
      dynamodb: `http://${LOOPBACK}:${dynamoPort}`,
      sns: `http://${LOOPBACK}:9`,
      sqs: `http://${LOOPBACK}:9`,
    };
  });

  afterAll(async () => {
    for (const setup of setups) {
      setup.s3.destroy();
      setup.dynamodb.destroy();
      setup.sns.destroy();
      await setup.proxy.stop();
    }
    await s3rver.close();
    await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function setUp(
    rules: FaultRule[],
    maxAttempts = 1,
    requestTimeout?: number,
  ): Promise<Setup> {
    const calls: CallRecord[] = [];
    const proxy = await startCallProxy({
      functionName: "image-processor",
      targets,
      arnContext: { region: REGION, accountId: "000000000000" },
      plan: new FaultPlan({ seed: 5, rules }),
      onCall: (record) => calls.push(record),
    });
    const common = {
      region: REGION,
      credentials: EMULATOR_CREDENTIALS,
      endpoint: proxy.url,
      maxAttempts,
      ...(requestTimeout
        ? { requestHandler: { requestTimeout, throwOnRequestTimeout: true } }
        : {}),
    };
    const setup: Setup = {
      proxy,
      calls,
      s3: new S3Client({
        ...common,
        forcePathStyle: true,
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      }),
      dynamodb: new DynamoDBClient(common),
      sns: new SNSClient(common),
    };
    setups.push(setup);

    return setup;
  }

  async function errorOf(
    call: Promise<unknown>,
  ): Promise<{ name: string; status?: number; code?: string; message: string }> {
    try {
      await call;
    } catch (error) {
      const e = error as { name: string; code?: string; $metadata?: { httpStatusCode?: number } };

      return {
        name: e.name,
        status: e.$metadata?.httpStatusCode,
        code: e.code,
        message: String((error as Error).message),
      };
    }
    throw new Error("the call succeeded; a fault was expected");
  }

  it("forwards undisturbed calls and records each as service, action and resource", async () => {
    // Arrange
    const { s3, dynamodb, calls } = await setUp([]);

    // Act
    await s3.send(new CreateBucketCommand({ Bucket: "recorded" }));
    await s3.send(new PutObjectCommand({ Bucket: "recorded", Key: "d e/f.jpg", Body: "bytes" }));
    const read = await s3.send(new GetObjectCommand({ Bucket: "recorded", Key: "d e/f.jpg" }));
    await dynamodb.send(
      new CreateTableCommand({
        TableName: "jobs",
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "jobId", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "jobId", KeyType: "HASH" }],
      }),
    );
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: "jobs",
        Key: { jobId: { S: "j1" } },
        UpdateExpression: "SET #s = :s",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":s": { S: "PROCESSING" } },
      }),
    );
    const item = await dynamodb.send(
      new GetItemCommand({ TableName: "jobs", Key: { jobId: { S: "j1" } } }),
    );

    // Assert
    expect(await read.Body!.transformToString()).toBe("bytes");
    expect(item.Item?.status).toEqual({ S: "PROCESSING" });
    expect(calls.map((c) => [c.action, c.resource, c.status, c.fault])).toEqual([
      ["s3:CreateBucket", "arn:aws:s3:::recorded", 200, undefined],
      ["s3:PutObject", "arn:aws:s3:::recorded/d e/f.jpg", 200, undefined],
      ["s3:GetObject", "arn:aws:s3:::recorded/d e/f.jpg", 200, undefined],
      [
        "dynamodb:CreateTable",
        "arn:aws:dynamodb:ap-south-1:000000000000:table/jobs",
        200,
        undefined,
      ],
      [
        "dynamodb:UpdateItem",
        "arn:aws:dynamodb:ap-south-1:000000000000:table/jobs",
        200,
        undefined,
      ],
      ["dynamodb:GetItem", "arn:aws:dynamodb:ap-south-1:000000000000:table/jobs", 200, undefined],
    ]);
  });

  it("throttles S3 with 503 SlowDown and fails it with 500 InternalError", async () => {
    // Arrange
    const throttled = await setUp([{ kind: "throttle", service: "s3" }]);
    const failing = await setUp([{ kind: "server-error", service: "s3" }]);

    // Act
    const slowDown = await errorOf(
      throttled.s3.send(new GetObjectCommand({ Bucket: "u", Key: "k" })),
    );
    const internal = await errorOf(
      failing.s3.send(new PutObjectCommand({ Bucket: "u", Key: "k", Body: "x" })),
    );

    // Assert
    expect(slowDown).toMatchObject({ name: "SlowDown", status: 503 });
    expect(internal).toMatchObject({ name: "InternalError", status: 500 });
    expect(throttled.calls[0]).toMatchObject({ fault: "throttle", status: 503 });
  });

  it("throttles DynamoDB writes with both throttling errors, and fails them with a 500", async () => {
    // Arrange
    const throttled = await setUp([{ kind: "throttle", service: "dynamodb" }]);
    const failing = await setUp([{ kind: "server-error", service: "dynamodb" }]);
    const update = (key: string) =>
      new UpdateItemCommand({
        TableName: "jobs",
        Key: { jobId: { S: key } },
        UpdateExpression: "SET #s = :s",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":s": { S: "X" } },
      });

    // Act
    const names = new Set<string>();
    for (let i = 0; i < 12; i += 1)
      names.add((await errorOf(throttled.dynamodb.send(update(`k${i}`)))).name);
    const internal = await errorOf(failing.dynamodb.send(update("k")));

    // Assert
    expect([...names].sort()).toEqual([
      "ProvisionedThroughputExceededException",
      "ThrottlingException",
    ]);
    expect(internal).toMatchObject({ name: "InternalServerError", status: 500 });
  });

  it("throttles SNS Publish with 400 Throttling or 429 Throttled, and fails it with 500", async () => {
    // Arrange
    const throttled = await setUp([{ kind: "throttle", service: "sns" }]);
    const failing = await setUp([{ kind: "server-error", service: "sns" }]);
    const publish = new PublishCommand({ TopicArn: TOPIC, Message: '{"jobId":"job-1"}' });

    // Act
    const throttling = new Set<string>();
    for (let i = 0; i < 12; i += 1) {
      const error = await errorOf(throttled.sns.send(publish));
      throttling.add(`${error.status} ${error.name}`);
    }
    const internal = await errorOf(failing.sns.send(publish));

    // Assert
    expect([...throttling].sort()).toEqual(["400 Throttling", "429 ThrottledException"]);
    expect(internal).toMatchObject({ name: "InternalErrorException", status: 500 });
    expect(throttled.calls[0]).toMatchObject({
      action: "sns:Publish",
      resource: TOPIC,
      item: "job-1",
    });
  });

  it("drops the connection, and the SDK's retry gets through once the faults stop", async () => {
    // Arrange
    const single = await setUp([{ kind: "drop", service: "s3" }]);
    const retrying = await setUp([{ kind: "drop", service: "s3", maxPerCall: 2 }], 3);

    // Act
    const dropped = await errorOf(
      single.s3.send(new GetObjectCommand({ Bucket: "uploads", Key: "a b/c.jpg" })),
    );
    const read = await retrying.s3.send(
      new GetObjectCommand({ Bucket: "uploads", Key: "a b/c.jpg" }),
    );

    // Assert
    expect(dropped.message).toMatch(/socket hang up/);
    expect(await read.Body!.transformToString()).toBe("pixels");
    expect(retrying.calls.map((c) => c.fault ?? c.status)).toEqual(["drop", "drop", 200]);
  });

  it("holds a connection without an answer until the caller gives up", async () => {
    // Arrange
    const { s3, calls } = await setUp([{ kind: "timeout", service: "s3" }], 1, 300);

    // Act
    const error = await errorOf(
      s3.send(new GetObjectCommand({ Bucket: "uploads", Key: "a b/c.jpg" })),
    );

    // Assert
    expect(error.name).toBe("TimeoutError");
    expect(calls).toHaveLength(1);
    expect(calls[0].status).toBeUndefined();
  });

  it("answers late but correctly under a delay", async () => {
    // Arrange
    const { s3, calls } = await setUp([{ kind: "delay", service: "s3", delayMs: 200 }]);

    // Act
    const read = await s3.send(new GetObjectCommand({ Bucket: "uploads", Key: "a b/c.jpg" }));

    // Assert
    expect(await read.Body!.transformToString()).toBe("pixels");
    expect(calls[0]).toMatchObject({ fault: "delay", status: 200 });
  });
});
