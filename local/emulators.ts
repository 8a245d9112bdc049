import { AddressInfo } from "node:net";
import type { EventEmitter } from "node:events";

import dynalite from "dynalite";
import S3rver from "s3rver";

/** Every emulator binds here and nowhere else. */
export const LOOPBACK = "127.0.0.1";

/** s3rver accepts only its own fixed key pair; the other emulators accept any. */
export const EMULATOR_CREDENTIALS = {
  accessKeyId: "S3RVER",
  secretAccessKey: "S3RVER",
} as const;

/** An S3 event as s3rver emits it in-process after a write. */
export interface S3rverEvent {
  Records: {
    eventName: string;
    s3: {
      bucket: { name: string };
      object: { key: string; size?: number; eTag?: string };
    };
  }[];
}

/** Running emulators and the endpoints that point an AWS SDK at them. */
export interface Emulators {
  readonly endpoints: {
    readonly s3: string;
    readonly dynamodb: string;
    readonly sns: string;
    readonly sqs: string;
  };
  /** Calls `listener` for every object written to or removed from any bucket. */
  onS3Event(listener: (event: S3rverEvent) => void): void;
  stop(): Promise<void>;
}

interface FauxqsApp {
  listen(options: { port: number; host: string }): Promise<string>;
  close(): Promise<void>;
  server: { address(): AddressInfo | string | null };
}

/**
 * fauxqs ships as an ES module only. A plain `import()` would be rewritten
 * into `require()` by the CommonJS build, so it is called through a function
 * the compiler leaves alone.
 */
const importEsm = new Function("specifier", "return import(specifier)") as (
  specifier: string,
) => Promise<{ buildApp(options: { logger: boolean; host: string }): FauxqsApp }>;

/**
 * A request that reached dynalite just before it shut down fails inside
 * dynalite with "Database is closed", thrown from a callback or left as a
 * rejected promise nobody awaits. Once the run is over that is expected and
 * ignored; any other such error still ends the process, as it would have.
 */
function isClosedDatabase(error: unknown): boolean {
  return error instanceof Error && error.message === "Database is closed";
}

function ignoreClosedDatabaseRejection(reason: unknown): void {
  if (!isClosedDatabase(reason)) throw reason;
}

function ignoreClosedDatabaseException(error: Error): void {
  if (isClosedDatabase(error)) return;
  console.error(error);
  process.exit(1);
}

/**
 * Starts S3 (s3rver, objects under `s3Directory`), DynamoDB (dynalite, in
 * memory) and SNS with SQS (fauxqs) on 127.0.0.1, each on a port the kernel
 * picks, so two runs never clash. `stop()` closes all that were started.
 */
export async function startEmulators(s3Directory: string): Promise<Emulators> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };

  try {
    const s3 = new S3rver({
      address: LOOPBACK,
      port: 0,
      silent: true,
      directory: s3Directory,
    });
    const s3Address = (await s3.run()) as AddressInfo;
    stops.push(() => s3.close());

    const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve, reject) => {
      dynamo.once("error", reject);
      dynamo.listen(0, LOOPBACK, () => resolve());
    });
    stops.push(() => {
      process.on("unhandledRejection", ignoreClosedDatabaseRejection);
      process.on("uncaughtException", ignoreClosedDatabaseException);
      // Requests from functions still finishing would otherwise reach a
      // database already closing; new ones are refused, old ones cut.
      dynamo.closeAllConnections();

      return new Promise<void>((resolve) => dynamo.close(() => resolve()));
    });

    const { buildApp } = await importEsm("fauxqs");
    const messaging = buildApp({ logger: false, host: "localhost" });
    await messaging.listen({ port: 0, host: LOOPBACK });
    stops.push(() => messaging.close());

    const url = (address: AddressInfo | string | null) =>
      `http://${LOOPBACK}:${(address as AddressInfo).port}`;
    const messagingUrl = url(messaging.server.address());

    return {
      endpoints: {
        s3: url(s3Address),
        dynamodb: url(dynamo.address()),
        sns: messagingUrl,
        sqs: messagingUrl,
      },
      onS3Event: (listener) => (s3 as unknown as EventEmitter).on("event", listener),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
