/**
 * The handlers' SDK clients against a server on 127.0.0.1 that accepts
 * connections and never answers, or answers the headers and then stalls:
 * each call must end with a transient TimeoutError after the SDK's own
 * retries (three tries, four for DynamoDB), instead of hanging until Lambda
 * ends the invocation.
 */
import { type Server as HttpServer, createServer as createHttpServer } from "node:http";
import { type Server, type Socket, createServer } from "node:net";
import type { AddressInfo } from "node:net";

import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { PublishCommand } from "@aws-sdk/client-sns";
import { GetCommand } from "@aws-sdk/lib-dynamodb";

import { classifyAwsError } from "../../handlers/lib/aws-errors";
import { createAnalyticsClients, createProcessorClients } from "../../handlers/lib/clients";
import { readProcessorConfig } from "../../handlers/lib/config";
import { readObject } from "../../handlers/lib/read-object";

const ENDPOINT_VARIABLES = [
  "AWS_ENDPOINT_URL_S3",
  "AWS_ENDPOINT_URL_DYNAMODB",
  "AWS_ENDPOINT_URL_SNS",
] as const;

/** A TCP server that accepts every connection, reads what it is sent and never answers. */
class SilentServer {
  connections = 0;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server = createServer((socket) => {
    this.connections += 1;
    this.sockets.add(socket);
    socket.on("data", () => undefined);
    socket.on("close", () => this.sockets.delete(socket));
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));

    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Sends the headers of a 1000-byte response and 10 bytes of its body, then nothing more. */
async function startStallingServer(): Promise<{ server: HttpServer; endpoint: string }> {
  const server = createHttpServer((request, response) => {
    request.resume();
    response.writeHead(200, { "content-length": "1000", "content-type": "image/jpeg" });
    response.write(Buffer.alloc(10));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function pointSdkAt(endpoint: string): void {
  for (const name of ENDPOINT_VARIABLES) {
    process.env[name] = endpoint;
  }
}

async function failureOf(call: Promise<unknown>): Promise<Error & { $metadata?: object }> {
  try {
    await call;
  } catch (error) {
    return error as Error & { $metadata?: object };
  }
  throw new Error("the call was expected to fail");
}

const saved = Object.fromEntries(ENDPOINT_VARIABLES.map((name) => [name, process.env[name]]));
const timeouts = { connectionTimeoutMs: 1_000, requestTimeoutMs: 200 };
let silent: SilentServer;

beforeEach(async () => {
  silent = new SilentServer();
  pointSdkAt(await silent.start());
});

afterEach(async () => {
  await silent.stop();
  for (const name of ENDPOINT_VARIABLES) {
    if (saved[name] === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = saved[name];
    }
  }
});

describe("the handlers' SDK clients", () => {
  it("use the connection and request timeouts the configuration gives, 3 s and 5 s by default", async () => {
    // Arrange
    const config = readProcessorConfig({
      THUMBNAILS_BUCKET: "thumbs",
      JOBS_TABLE: "jobs",
      EVENTS_TOPIC_ARN: "arn:aws:sns:ap-south-1:111122223333:events",
    });
    const { s3 } = createProcessorClients(config);

    // Act
    const handler = s3.config.requestHandler as unknown as {
      handle(request: unknown): Promise<unknown>;
      httpHandlerConfigs(): Record<string, unknown>;
    };
    await handler.handle({}).catch(() => undefined);
    const settings = handler.httpHandlerConfigs();
    s3.destroy();

    // Assert
    expect(settings).toMatchObject({
      connectionTimeout: 3_000,
      requestTimeout: 5_000,
      throwOnRequestTimeout: true,
      socketTimeout: 5_000,
    });
  });

  it.each([
    ["S3 GetObject", 3, "s3"],
    ["DynamoDB GetItem", 4, "dynamo"],
    ["SNS Publish", 3, "sns"],
  ] as const)(
    "ends an unanswered %s with a transient TimeoutError after the SDK's %i tries",
    async (_call, tries, service) => {
      // Arrange
      const clients = createProcessorClients(timeouts);
      const send = {
        s3: () => clients.s3.send(new GetObjectCommand({ Bucket: "uploads", Key: "a.jpg" })),
        dynamo: () =>
          clients.dynamo.send(new GetCommand({ TableName: "jobs", Key: { jobId: "j" } })),
        sns: () =>
          clients.sns.send(
            new PublishCommand({ TopicArn: "arn:aws:sns:ap-south-1:111122223333:t", Message: "m" })
          ),
      }[service];

      // Act
      const error = await failureOf(send());
      for (const client of [clients.s3, clients.dynamo, clients.sns]) {
        client.destroy();
      }

      // Assert
      expect(error.name).toBe("TimeoutError");
      expect(classifyAwsError(error)).toBe("transient");
      expect(error.$metadata).toMatchObject({ attempts: tries });
      expect(silent.connections).toBe(tries);
    },
    20_000
  );

  it("ends the analytics logger's unanswered PutObject the same way", async () => {
    // Arrange
    const { s3 } = createAnalyticsClients(timeouts);

    // Act
    const error = await failureOf(
      s3.send(new PutObjectCommand({ Bucket: "analytics", Key: "a.json", Body: "{}" }))
    );
    s3.destroy();

    // Assert
    expect(error.name).toBe("TimeoutError");
    expect(classifyAwsError(error)).toBe("transient");
    expect(silent.connections).toBe(3);
  }, 20_000);

  it("ends a download whose body stops arriving with a transient error", async () => {
    // Arrange
    const { server, endpoint } = await startStallingServer();
    pointSdkAt(endpoint);
    const { s3 } = createProcessorClients(timeouts);

    // Act
    const error = await failureOf(
      readObject(s3, { bucket: "uploads", key: "a.jpg", maxBytes: 10_000 })
    );
    s3.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));

    // Assert
    expect(error.name).toBe("TimeoutError");
    expect(classifyAwsError(error)).toBe("transient");
  }, 20_000);
});
