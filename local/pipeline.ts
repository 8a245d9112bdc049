import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";

import { AsyncInvoker, AsyncInvokerOptions } from "./async-invoker";
import { createAttributeLookup } from "./attribute-lookup";
import { EMULATOR_CREDENTIALS, Emulators, S3rverEvent, startEmulators } from "./emulators";
import { FunctionHost } from "./function-host";
import { EmulatorClients, provision } from "./provision";
import { localRetryDelay, RetryDelay } from "./retry-delay";
import { buildStackModel, FunctionModel, StackModel } from "./stack-model";
import { loadTerraformJson, LocalModeConfigError } from "./terraform-json";
import {
  bridgeSnsSubscriptions,
  InFlight,
  queueDestination,
  Resolve,
  resolverFor,
  routeS3Notifications,
  SnsBridge,
} from "./wiring";

/** How to start the local pipeline. */
export interface LocalPipelineOptions {
  /** The synthesized `cdk.tf.json` of the stack to run. */
  readonly stackJsonPath: string;
  /** Run folder: emulator storage and function logs go below it. */
  readonly workDir: string;
  /** Execution environments per function that may run at once (default 2). */
  readonly concurrency?: number;
  /**
   * Wait before async retry n, given how the last try failed. Default: each
   * function's localRetryDelay, 100 ms times n, or its timeout plus 10 s
   * after a timeout or a job held by another try (Lambda waits minutes).
   */
  readonly retryDelayMs?: RetryDelay;
  /** Variables added to every function's environment after the stack's own. */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
  /**
   * Gives a function its own service endpoints instead of the emulators'
   * (a proxy that records or disturbs its calls, for instance). Called once
   * per function, after the emulators are up; the caller stops what it starts.
   */
  readonly functionEndpoints?: (
    functionName: string,
    emulators: Emulators["endpoints"],
  ) => Promise<Emulators["endpoints"]>;
  /** Builds each function's async invoker (default an AsyncInvoker); a test re-delivers with it. */
  readonly createInvoker?: (host: FunctionHost, options: AsyncInvokerOptions) => AsyncInvoker;
}

/** Where the stack's outputs point, resolved against the emulators. */
export interface LocalOutputs {
  readonly stackName: string;
  readonly region: string;
  readonly uploadsBucket: string;
  readonly thumbnailsBucket: string;
  readonly analyticsBucket: string;
  readonly jobsTable: string;
  readonly topicArn: string;
}

/** A running local pipeline. */
export interface LocalPipeline {
  readonly outputs: LocalOutputs;
  readonly endpoints: Emulators["endpoints"];
  readonly clients: EmulatorClients;
  readonly model: StackModel;
  readonly inFlight: InFlight;
  readonly hosts: ReadonlyMap<string, FunctionHost>;
  readonly logDir: string;
  onS3Event(listener: (event: S3rverEvent) => void): void;
  /** Stops delivering events and ends every function process; the emulators keep their data. */
  stopFunctions(): Promise<void>;
  /** Resolves once no delivery has been under way for `quietMs`, or at the deadline (epoch ms). */
  settle(quietMs?: number, deadline?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Creates SDK clients aimed at the emulators, for local mode's own use. */
export function emulatorClients(endpoints: Emulators["endpoints"], region: string): EmulatorClients {
  const common = { region, credentials: EMULATOR_CREDENTIALS };

  return {
    s3: new S3Client({
      ...common,
      endpoint: endpoints.s3,
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    }),
    dynamodb: new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb }),
    sns: new SNSClient({ ...common, endpoint: endpoints.sns }),
    // The emulator's queue URLs name a host that only resolves inside its
    // own container image, so requests keep to the configured endpoint.
    sqs: new SQSClient({ ...common, endpoint: endpoints.sqs, useQueueUrlAsEndpoint: false }),
  };
}

/**
 * Starts the emulators, creates what the synthesized stack declares, and
 * wires S3 notifications and SNS subscriptions to the bundled functions as
 * the stack says. Everything started is stopped by `stop()`, and also when
 * starting fails half-way.
 */
export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const stackDir = dirname(options.stackJsonPath);
  const model = buildStackModel(loadTerraformJson(options.stackJsonPath), stackDir);
  for (const fn of model.functions) assertRunnableHere(fn, stackDir);
  const logDir = join(options.workDir, "logs");
  mkdirSync(logDir, { recursive: true });
  mkdirSync(join(options.workDir, "s3"), { recursive: true });

  const emulators = await startEmulators(join(options.workDir, "s3"));
  const clients = emulatorClients(emulators.endpoints, model.region);
  const hosts = new Map<string, FunctionHost>();
  const logs: WriteStream[] = [];
  const taskRoot = mkdtempSync(join(tmpdir(), "image-pipeline-task-"));
  let bridge: SnsBridge | undefined;
  const stopFunctions = async () => {
    await bridge?.stop();
    await Promise.all([...hosts.values()].map((host) => host.stop()));
  };
  const stop = async () => {
    await stopFunctions();
    await emulators.stop();
    rmSync(taskRoot, { recursive: true, force: true });
    for (const client of Object.values(clients)) client.destroy();
    await Promise.all(logs.map((log) => new Promise((resolve) => log.end(resolve))));
  };

  try {
    const ids = await provision(model, clients);
    const resolve = resolverFor(createAttributeLookup(model, ids));
    const inFlight = new InFlight();
    const invokers = new Map<string, AsyncInvoker>();

    for (const fn of model.functions) {
      const log = createWriteStream(join(logDir, `${fn.name}.log`), { flags: "w" });
      logs.push(log);
      const endpoints = options.functionEndpoints
        ? await options.functionEndpoints(fn.name, emulators.endpoints)
        : emulators.endpoints;
      const codeDir = unpackCode(fn, taskRoot);
      const host = new FunctionHost({
        name: fn.name,
        codeDir,
        handler: fn.handler,
        timeoutSeconds: fn.timeoutSeconds,
        environment: functionEnvironment(fn, codeDir, model, resolve, endpoints, options.extraEnvironment),
        concurrency: options.concurrency ?? 2,
        log,
      });
      hosts.set(fn.address, host);
      const config = model.invokeConfigs.find((c) => c.functionAddress === fn.address);
      const failureQueue = config?.onFailureQueueAddress
        ? resolve(`\${${config.onFailureQueueAddress}.url}`, `${fn.address} on-failure destination`)
        : undefined;
      const invokerOptions: AsyncInvokerOptions = {
        functionArn: resolve(`\${${fn.address}.arn}`, fn.address),
        maximumRetryAttempts: config?.maximumRetryAttempts ?? 2,
        retryDelayMs: options.retryDelayMs ?? localRetryDelay(fn.timeoutSeconds),
        onFailure: failureQueue ? queueDestination(clients, failureQueue) : undefined,
      };
      invokers.set(
        fn.address,
        options.createInvoker?.(host, invokerOptions) ?? new AsyncInvoker(host, invokerOptions),
      );
    }

    emulators.onS3Event(routeS3Notifications(model, resolve, invokers, inFlight));
    bridge = await bridgeSnsSubscriptions(model, resolve, clients, invokers, inFlight);

    return {
      outputs: resolveOutputs(model, resolve),
      endpoints: emulators.endpoints,
      clients,
      model,
      inFlight,
      hosts,
      logDir,
      onS3Event: (listener) => emulators.onS3Event(listener),
      stopFunctions,
      settle: async (quietMs = 300, deadline = Number.POSITIVE_INFINITY) => {
        for (let quietSince = Date.now(); Date.now() - quietSince < quietMs && Date.now() < deadline; ) {
          if (inFlight.size > 0) quietSince = Date.now();
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

const HOST_ARCHITECTURE: Record<string, string> = { x64: "x86_64", arm64: "arm64" };

/** Refuses, with the setting to change, a function this machine cannot run as built. */
function assertRunnableHere(fn: FunctionModel, stackDir: string): void {
  const here = HOST_ARCHITECTURE[process.arch] ?? process.arch;
  if (fn.architecture !== here) {
    throw new LocalModeConfigError(
      `${fn.name} is built for ${fn.architecture} and this machine is ${here}: ` +
        `local mode runs the functions here, so synthesize with LAMBDA_ARCH=${here} (the local stage's default)`,
    );
  }
  if (!existsSync(fn.codeDir)) {
    throw new LocalModeConfigError(
      `${fn.name}: its code folder ${fn.codeDir} does not exist (source_dir is resolved from ${stackDir}, ` +
        "the folder of the stack's cdk.tf.json); run npm run build, or keep the JSON where synthesis wrote it",
    );
  }
}

/**
 * Copies a function's code folder where Lambda would unpack its zip: outside
 * the repository, so that module look-up cannot climb into the project's own
 * node_modules and a dependency missing from the bundle fails here as it
 * would in the cloud.
 */
function unpackCode(fn: FunctionModel, taskRoot: string): string {
  const taskDir = join(taskRoot, fn.name);
  cpSync(fn.codeDir, taskDir, { recursive: true });

  return taskDir;
}

/**
 * A function's environment as Lambda would give it, with the stack's
 * variables resolved and the SDK aimed at the emulators through its
 * standard endpoint variables: nothing of this process's environment leaks
 * in but PATH.
 */
function functionEnvironment(
  fn: FunctionModel,
  codeDir: string,
  model: StackModel,
  resolve: Resolve,
  endpoints: Emulators["endpoints"],
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const own = Object.fromEntries(
    Object.entries(fn.environment).map(([name, value]) => [
      name,
      resolve(value, `${fn.address} environment variable ${name}`),
    ]),
  );

  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    TZ: "UTC",
    LAMBDA_TASK_ROOT: codeDir,
    AWS_REGION: model.region,
    AWS_DEFAULT_REGION: model.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    LOCAL_FUNCTION_ARN: resolve(`\${${fn.address}.arn}`, fn.address),
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    // The S3 emulator predates the SDK's default CRC checksums on streamed
    // uploads; real S3 needs no such setting.
    AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
    AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
    // The handlers target Lambda's Node.js 22; on an older local Node the
    // SDK's notice that it will soon need 22 is only noise in the logs.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...own,
    ...extra,
  };
}

const OUTPUT_NAMES = {
  stackName: "stack_name",
  region: "aws_region",
  uploadsBucket: "uploads_bucket",
  thumbnailsBucket: "thumbnails_bucket",
  analyticsBucket: "analytics_bucket",
  jobsTable: "jobs_table",
  topicArn: "sns_topic_arn",
} as const;

function resolveOutputs(model: StackModel, resolve: Resolve): LocalOutputs {
  const entries = Object.entries(OUTPUT_NAMES).map(([field, output]) => {
    const value = model.document.outputs[output]?.value;
    if (typeof value !== "string") {
      throw new LocalModeConfigError(`the stack has no "${output}" output, which local mode reads`);
    }

    return [field, resolve(value, `output ${output}`)];
  });

  return Object.fromEntries(entries) as unknown as LocalOutputs;
}
