import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";

import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  GetObjectCommand,
  type GetObjectCommandInput,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
} from "@aws-sdk/client-s3";
import { PublishCommand, type PublishCommandInput, SNSClient } from "@aws-sdk/client-sns";
import {
  DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import type { Context, S3Event, S3EventRecord, SNSEvent, SNSEventRecord } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import dynalite from "dynalite";

import { createAnalyticsLogger } from "../../../handlers/lib/analytics-logger-handler";
import { readAnalyticsConfig, readProcessorConfig } from "../../../handlers/lib/config";
import { createImageProcessor } from "../../../handlers/lib/image-processor-handler";
import { createLogger } from "../../../handlers/lib/logger";
import { LogCapture } from "./log-capture";

/** Names used by every harness. */
export const UPLOADS_BUCKET = "activity4-image-pipeline-dev-uploads";
export const THUMBNAILS_BUCKET = "activity4-image-pipeline-dev-thumbnails";
export const ANALYTICS_BUCKET = "activity4-image-pipeline-dev-analytics";
export const TOPIC_ARN = "arn:aws:sns:ap-south-1:111122223333:activity4-image-pipeline-dev-events";

/** A DynamoDB emulator (dynalite) on 127.0.0.1 with an ephemeral port. */
export interface DynamoEmulator {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts dynalite in memory on 127.0.0.1; stop it with the returned handle. */
export async function startDynamo(): Promise<DynamoEmulator> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Creates a uniquely named jobs table shaped like the stack's: hash key jobId (string). */
export async function createJobsTable(client: DynamoDBClient): Promise<string> {
  const tableName = `jobs-${randomUUID()}`;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: "jobId", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "jobId", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    })
  );

  return tableName;
}

/** A DynamoDB client for the emulator. */
export function emulatorClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: "ap-south-1", maxAttempts: 1 });
}

/** An AWS-style error, as the SDK raises it. */
export function awsError(name: string, httpStatusCode: number, message = name): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: httpStatusCode >= 500 ? "server" : "client",
    $metadata: { httpStatusCode },
  });
}

type FaultTarget = "GetObject" | "PutObject" | "Publish" | "Update" | "Get";

interface Fault {
  readonly target: FaultTarget;
  readonly error: Error;
  /** Only calls whose input matches, when given. */
  readonly when?: (input: Record<string, unknown>) => boolean;
  /** The call takes effect and only its answer is lost (a publish that went out). */
  readonly takesEffect?: boolean;
  remaining: number;
}

/** Overrides of the processor's environment. */
export type EnvOverrides = Readonly<Record<string, string>>;

/** Both handlers wired to dynalite (jobs table) and to mocked S3 and SNS that keep what they get. */
export class PipelineHarness {
  readonly logs = new LogCapture();
  /** Objects by `bucket/key`. */
  readonly objects = new Map<string, { body: Buffer; contentType?: string }>();
  readonly getRequests: GetObjectCommandInput[] = [];
  readonly putRequests: PutObjectCommandInput[] = [];
  readonly published: { input: PublishCommandInput; messageId: string; timestamp: string }[] = [];
  readonly processor;
  readonly analytics;
  private readonly faults: Fault[] = [];
  private readonly restores: (() => void)[] = [];
  private clock: () => Date = () => new Date();

  private constructor(
    readonly tableName: string,
    private readonly realDocs: DynamoDBDocumentClient,
    processorEnv: EnvOverrides
  ) {
    const s3 = new S3Client({ region: "ap-south-1" });
    const sns = new SNSClient({ region: "ap-south-1" });
    const docs = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "ap-south-1" }));
    this.stubS3(s3);
    this.stubSns(sns);
    this.stubDynamo(docs);

    const config = readProcessorConfig({
      THUMBNAILS_BUCKET,
      JOBS_TABLE: tableName,
      EVENTS_TOPIC_ARN: TOPIC_ARN,
      ...processorEnv,
    });
    this.processor = createImageProcessor({
      config,
      s3,
      sns,
      dynamo: docs,
      logger: createLogger(config),
      now: () => this.clock(),
    });
    const analyticsConfig = readAnalyticsConfig({ ANALYTICS_BUCKET });
    this.analytics = createAnalyticsLogger({
      config: analyticsConfig,
      s3,
      logger: createLogger(analyticsConfig),
      now: () => this.clock(),
    });
  }

  /** Builds a harness on a fresh table of the emulator and starts capturing logs. */
  static async create(
    emulator: DynamoEmulator,
    processorEnv: EnvOverrides = {}
  ): Promise<PipelineHarness> {
    const client = emulatorClient(emulator.endpoint);
    const tableName = await createJobsTable(client);
    const harness = new PipelineHarness(
      tableName,
      DynamoDBDocumentClient.from(client),
      processorEnv
    );
    harness.logs.start();

    return harness;
  }

  /** Restores the mocked clients, stops log capture and drops the table. */
  async dispose(): Promise<void> {
    this.logs.stop();
    for (const restore of this.restores) {
      restore();
    }
    await this.realDocs.send(new DeleteTableCommand({ TableName: this.tableName }));
  }

  /** Replaces the clock the handlers see. */
  setClock(clock: () => Date): void {
    this.clock = clock;
  }

  /** Stores an object as if it had been uploaded. */
  upload(bucket: string, key: string, body: Buffer): void {
    this.objects.set(`${bucket}/${key}`, { body });
  }

  /** The object stored under bucket and key, if any. */
  object(bucket: string, key: string): { body: Buffer; contentType?: string } | undefined {
    return this.objects.get(`${bucket}/${key}`);
  }

  /** Objects of one bucket, by key. */
  keysIn(bucket: string): string[] {
    return [...this.objects.keys()]
      .filter((id) => id.startsWith(`${bucket}/`))
      .map((id) => id.slice(bucket.length + 1));
  }

  /** Makes the next `times` calls of a kind fail with `error`. */
  failNext(target: FaultTarget, error: Error, times = 1, when?: Fault["when"]): void {
    this.faults.push({ target, error, when, remaining: times });
  }

  /** Lets the next publish go out, then fails it with `error`, as when its answer is lost. */
  loseNextPublishAnswer(error: Error): void {
    this.faults.push({ target: "Publish", error, takesEffect: true, remaining: 1 });
  }

  /** The job item, read straight from the table. */
  async job(jobId: string): Promise<Record<string, unknown> | undefined> {
    const result = await this.realDocs.send(
      new GetCommand({ TableName: this.tableName, Key: { jobId }, ConsistentRead: true })
    );

    return result.Item;
  }

  /** Writes to the table directly, bypassing the handler (to stage another attempt's state). */
  async updateJob(input: Omit<UpdateCommandInput, "TableName">): Promise<void> {
    await this.realDocs.send(new UpdateCommand({ ...input, TableName: this.tableName }));
  }

  /** The parsed bodies of the published messages. */
  messages(): Record<string, unknown>[] {
    return this.published.map(
      (entry) => JSON.parse(entry.input.Message ?? "") as Record<string, unknown>
    );
  }

  /** An SNS event delivering the published messages, as SNS would invoke the analytics logger. */
  snsEventOfPublished(): SNSEvent {
    return {
      Records: this.published.map(
        ({ input, messageId, timestamp }): SNSEventRecord => ({
          EventSource: "aws:sns",
          EventVersion: "1.0",
          EventSubscriptionArn: `${TOPIC_ARN}:subscription`,
          Sns: {
            Type: "Notification",
            MessageId: messageId,
            TopicArn: input.TopicArn ?? "",
            Subject: input.Subject ?? "",
            Message: input.Message ?? "",
            Timestamp: timestamp,
            SignatureVersion: "1",
            Signature: "EXAMPLE",
            SigningCertUrl: "https://example.invalid/cert.pem",
            UnsubscribeUrl: "https://example.invalid/unsubscribe",
            MessageAttributes: Object.fromEntries(
              Object.entries(input.MessageAttributes ?? {}).map(([name, value]) => [
                name,
                { Type: value.DataType ?? "String", Value: value.StringValue ?? "" },
              ])
            ),
          },
        })
      ),
    };
  }

  private takeFault(target: FaultTarget, input: Record<string, unknown>): Error | undefined {
    const fault = this.takeFaultOf(target, input);

    return fault?.error;
  }

  private takeFaultOf(target: FaultTarget, input: Record<string, unknown>): Fault | undefined {
    const fault = this.faults.find(
      (candidate) =>
        candidate.target === target && candidate.remaining > 0 && (candidate.when?.(input) ?? true)
    );
    if (!fault) {
      return undefined;
    }
    fault.remaining -= 1;

    return fault;
  }

  private stubS3(s3: S3Client): void {
    const stub = mockClient(s3);
    stub.on(GetObjectCommand).callsFake(async (input: GetObjectCommandInput) => {
      this.getRequests.push(input);
      const fault = this.takeFault("GetObject", input as unknown as Record<string, unknown>);
      if (fault) {
        throw fault;
      }
      const stored = this.objects.get(`${input.Bucket}/${input.Key}`);
      if (!stored) {
        throw awsError("NoSuchKey", 404, "The specified key does not exist.");
      }

      return {
        ContentLength: stored.body.length,
        Body: {
          transformToByteArray: async () => new Uint8Array(stored.body),
          destroy: () => undefined,
        },
      };
    });
    stub.on(PutObjectCommand).callsFake(async (input: PutObjectCommandInput) => {
      this.putRequests.push(input);
      const fault = this.takeFault("PutObject", input as unknown as Record<string, unknown>);
      if (fault) {
        throw fault;
      }
      const body =
        typeof input.Body === "string"
          ? Buffer.from(input.Body)
          : Buffer.from(input.Body as Uint8Array);
      this.objects.set(`${input.Bucket}/${input.Key}`, { body, contentType: input.ContentType });

      return { ETag: '"etag"' };
    });
    this.restores.push(() => stub.restore());
  }

  private stubSns(sns: SNSClient): void {
    const stub = mockClient(sns);
    stub.on(PublishCommand).callsFake(async (input: PublishCommandInput) => {
      const fault = this.takeFaultOf("Publish", input as unknown as Record<string, unknown>);
      if (fault && !fault.takesEffect) {
        throw fault.error;
      }
      const messageId = randomUUID();
      this.published.push({ input, messageId, timestamp: this.clock().toISOString() });
      if (fault) {
        throw fault.error;
      }

      return { MessageId: messageId };
    });
    this.restores.push(() => stub.restore());
  }

  private stubDynamo(docs: DynamoDBDocumentClient): void {
    const stub = mockClient(docs);
    stub.on(UpdateCommand).callsFake(async (input: UpdateCommandInput) => {
      const fault = this.takeFault("Update", input as unknown as Record<string, unknown>);
      if (fault) {
        throw fault;
      }

      return this.realDocs.send(new UpdateCommand(input));
    });
    stub.on(GetCommand).callsFake(async (input: GetCommandInput) => {
      const fault = this.takeFault("Get", input as unknown as Record<string, unknown>);
      if (fault) {
        throw fault;
      }

      return this.realDocs.send(new GetCommand(input));
    });
    this.restores.push(() => stub.restore());
  }
}

/** A Lambda context whose deadline is `remainingMs` away. */
export function lambdaContext(remainingMs = 30_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "activity4-image-pipeline-dev-image-processor",
    functionVersion: "$LATEST",
    invokedFunctionArn:
      "arn:aws:lambda:ap-south-1:111122223333:function:activity4-image-pipeline-dev-image-processor",
    memoryLimitInMB: "1024",
    awsRequestId: randomUUID(),
    logGroupName: "/aws/lambda/activity4-image-pipeline-dev-image-processor",
    logStreamName: "2026/11/30/[$LATEST]example",
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** One S3 ObjectCreated record for an already encoded key. */
export function s3Record(
  encodedKey: string,
  options: { size?: number; sequencer?: string; bucket?: string; versionId?: string } = {}
): S3EventRecord {
  return {
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: "ap-south-1",
    eventTime: "2026-11-30T10:15:30.123Z",
    eventName: "ObjectCreated:Put",
    userIdentity: { principalId: "AWS:AIDAEXAMPLEUSER01" },
    requestParameters: { sourceIPAddress: "198.51.100.7" },
    responseElements: { "x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "example" },
    s3: {
      s3SchemaVersion: "1.0",
      configurationId: "image-uploads",
      bucket: {
        name: options.bucket ?? UPLOADS_BUCKET,
        ownerIdentity: { principalId: "A3EXAMPLEOWNER" },
        arn: `arn:aws:s3:::${options.bucket ?? UPLOADS_BUCKET}`,
      },
      object: {
        key: encodedKey,
        size: options.size ?? 1000,
        eTag: "0123456789abcdef0123456789abcdef",
        sequencer: options.sequencer ?? "0065A1B2C3D4E5F6AA",
        ...(options.versionId ? { versionId: options.versionId } : {}),
      },
    },
  };
}

/** An S3 event of the given records. */
export function s3Event(...records: S3EventRecord[]): S3Event {
  return { Records: records };
}

/** Encodes a key the way S3 does in event notifications (form encoding: space as +). */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, "+");
}
