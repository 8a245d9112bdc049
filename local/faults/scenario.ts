import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

import { PutObjectCommand } from "@aws-sdk/client-s3";

import { LocalOutputs, LocalPipeline, startLocalPipeline } from "../pipeline";
import { prepareLocalStack } from "../prepare-stack";
import { CallProxy, CallRecord, startCallProxy } from "./call-proxy";
import { FaultKind, FaultPlan, FaultRule } from "./fault-plan";
import { Inventory, takeInventory } from "./inventory";
import { writeStackVariant } from "./stack-variant";
import { DeliveryRecord, RedeliveryRule, WatchedInvoker } from "./watched-invoker";

/** The account id the emulators put in the ARNs they make. */
export const LOCAL_ACCOUNT_ID = "000000000000";

/** What an upload should end as. */
export interface Expectation {
  readonly status: "SUCCEEDED" | "FAILED";
  /** For FAILED: the error kind the job must name. */
  readonly kind?: string;
}

/** One file to upload, under one key. */
export interface ScenarioUpload {
  readonly key: string;
  readonly file: string;
  readonly expect?: Expectation;
}

/** A run of local mode under faults and duplicate deliveries, described as data. */
export interface Scenario {
  /** A synthesized local stack; when omitted the handlers are bundled and the stage synthesized. */
  readonly stackJson?: string;
  /** Emulator storage, logs and the stack variant go here. */
  readonly workDir: string;
  readonly seed?: number;
  readonly faults?: readonly FaultRule[];
  readonly redeliveries?: readonly RedeliveryRule[];
  /** Put a version id in every S3 event, as S3 does for the stack's versioned uploads bucket. */
  readonly versionedUploads?: boolean;
  /** Every function's timeout, in seconds (default: the stack's). */
  readonly functionTimeoutSeconds?: number;
  /**
   * Wait before each Lambda retry, in milliseconds, whatever the failure
   * (default: local mode's localRetryDelay).
   */
  readonly retryDelayMs?: number;
  /** Execution environments per function (default 2). */
  readonly concurrency?: number;
  /** Upload rounds, each waited for before the next starts (an overwrite is a second round). */
  readonly phases: readonly (readonly ScenarioUpload[])[];
  /** Longest wait for one round to finish, in seconds (default 120). */
  readonly phaseTimeoutSeconds?: number;
  /** A round is over when nothing was in flight for this long (default 1500 ms). */
  readonly quietMs?: number;
  /** Read every thumbnail's dimensions at the end (default true). */
  readonly inspectThumbnails?: boolean;
}

/** One upload as it was made. */
export interface UploadRecord extends ScenarioUpload {
  readonly phase: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly uploadedAt: number;
}

/** Everything a scenario run produced, for tests and reports to judge. */
export interface ScenarioReport {
  readonly stackJson: string;
  readonly outputs: LocalOutputs;
  readonly startedAt: string;
  /** First upload to the end of the last round, milliseconds. */
  readonly processingMs: number;
  readonly phases: {
    readonly startedAt: number;
    readonly endedAt: number;
    readonly timedOut: boolean;
  }[];
  readonly uploads: UploadRecord[];
  readonly faults: {
    readonly seed: number;
    readonly injected: Record<FaultKind, number>;
    readonly byOperation: Record<string, number>;
  };
  readonly calls: CallRecord[];
  readonly deliveries: DeliveryRecord[];
  readonly inventory: Inventory;
}

function positive(value: number | undefined, name: string): void {
  if (value !== undefined && !(typeof value === "number" && value > 0)) {
    throw new Error(`scenario: "${name}" must be a positive number, got ${JSON.stringify(value)}`);
  }
}

/** Checks a scenario read from JSON; throws naming the field to fix. */
export function validateScenario(scenario: Scenario): Scenario {
  if (typeof scenario.workDir !== "string" || scenario.workDir === "") {
    throw new Error('scenario: "workDir" must name a folder for the run');
  }
  if (!Array.isArray(scenario.phases) || scenario.phases.length === 0) {
    throw new Error('scenario: "phases" must be a non-empty list of upload lists');
  }
  scenario.phases.forEach((phase, index) => {
    const keys = new Set<string>();
    for (const upload of phase) {
      if (typeof upload.key !== "string" || typeof upload.file !== "string") {
        throw new Error(`scenario: every upload of phase ${index} needs a "key" and a "file"`);
      }
      if (keys.has(upload.key)) {
        throw new Error(
          `scenario: phase ${index} uploads "${upload.key}" twice; put the second upload in a later phase`,
        );
      }
      keys.add(upload.key);
    }
  });
  positive(scenario.functionTimeoutSeconds, "functionTimeoutSeconds");
  positive(scenario.retryDelayMs, "retryDelayMs");
  positive(scenario.concurrency, "concurrency");
  positive(scenario.phaseTimeoutSeconds, "phaseTimeoutSeconds");
  positive(scenario.quietMs, "quietMs");

  return scenario;
}

/** Resolves once nothing was in flight for `quietMs`, or at the deadline (then true). */
async function waitForQuiet(
  pipeline: LocalPipeline,
  quietMs: number,
  deadline: number,
): Promise<boolean> {
  for (let quietSince = Date.now(); Date.now() - quietSince < quietMs; ) {
    if (Date.now() > deadline) return true;
    if (pipeline.inFlight.size > 0) quietSince = Date.now();
    await new Promise((r) => setTimeout(r, 50));
  }

  return false;
}

async function uploadPhase(
  pipeline: LocalPipeline,
  uploads: readonly ScenarioUpload[],
  phase: number,
  made: UploadRecord[],
): Promise<void> {
  const queue = [...uploads];
  const workers = Array.from({ length: 8 }, async () => {
    for (let upload = queue.shift(); upload; upload = queue.shift()) {
      const body = readFileSync(upload.file);
      const uploadedAt = Date.now();
      await pipeline.clients.s3.send(
        new PutObjectCommand({
          Bucket: pipeline.outputs.uploadsBucket,
          Key: upload.key,
          Body: body,
        }),
      );
      made.push({
        ...upload,
        phase,
        bytes: body.length,
        sha256: createHash("sha256").update(body).digest("hex"),
        uploadedAt,
      });
    }
  });
  await Promise.all(workers);
}

/**
 * Runs local mode with a call proxy in front of every function: records each
 * AWS call, injects the scenario's seeded faults, delivers chosen S3 events
 * more than once, uploads each round and waits for it to settle, then reads
 * the jobs table, the buckets and the on-failure queues.
 */
export async function runScenario(
  input: Scenario,
  root = resolve(__dirname, "..", ".."),
): Promise<ScenarioReport> {
  const scenario = validateScenario(input);
  mkdirSync(scenario.workDir, { recursive: true });
  // The S3 emulator keeps its buckets on disk; a second run in the same folder starts afresh.
  rmSync(join(scenario.workDir, "run"), { recursive: true, force: true });
  let stackJson = scenario.stackJson ?? prepareLocalStack(root);
  if (scenario.functionTimeoutSeconds !== undefined) {
    const dir = join(scenario.workDir, "stack");
    mkdirSync(dir, { recursive: true });
    stackJson = writeStackVariant(stackJson, dir, {
      functionTimeoutSeconds: scenario.functionTimeoutSeconds,
    });
  }

  const seed = scenario.seed ?? 1;
  const plan = new FaultPlan({ seed, rules: scenario.faults ?? [] });
  const calls: CallRecord[] = [];
  const deliveries: DeliveryRecord[] = [];
  const proxies: CallProxy[] = [];
  const retryDelayMs = scenario.retryDelayMs;

  const startedAt = new Date().toISOString();
  let pipeline: LocalPipeline | undefined;
  try {
    pipeline = await startLocalPipeline({
      stackJsonPath: stackJson,
      workDir: join(scenario.workDir, "run"),
      concurrency: scenario.concurrency,
      retryDelayMs: retryDelayMs === undefined ? undefined : () => retryDelayMs,
      functionEndpoints: async (functionName, emulators) => {
        const proxy = await startCallProxy({
          functionName,
          targets: emulators,
          arnContext: { region: "us-east-1", accountId: LOCAL_ACCOUNT_ID },
          plan,
          onCall: (record) => calls.push(record),
        });
        proxies.push(proxy);

        return { s3: proxy.url, dynamodb: proxy.url, sns: proxy.url, sqs: proxy.url };
      },
      createInvoker: (host, options) =>
        new WatchedInvoker(host, options, {
          functionName: options.functionArn.split(":").pop() ?? "function",
          redeliveries: scenario.redeliveries ?? [],
          addVersionIds: scenario.versionedUploads,
          onDelivery: (delivery) => deliveries.push(delivery),
        }),
    });

    const uploads: UploadRecord[] = [];
    const phases: ScenarioReport["phases"] = [];
    for (const [index, phase] of scenario.phases.entries()) {
      const phaseStart = Date.now();
      await uploadPhase(pipeline, phase, index, uploads);
      const deadline = phaseStart + (scenario.phaseTimeoutSeconds ?? 120) * 1000;
      const timedOut = await waitForQuiet(pipeline, scenario.quietMs ?? 1500, deadline);
      phases.push({ startedAt: phaseStart, endedAt: Date.now(), timedOut });
    }
    const inventory = await takeInventory(pipeline, scenario.inspectThumbnails ?? true);

    return {
      stackJson,
      outputs: pipeline.outputs,
      startedAt,
      processingMs: phases[phases.length - 1].endedAt - phases[0].startedAt,
      phases,
      uploads,
      faults: {
        seed,
        injected: { ...plan.injected },
        byOperation: { ...plan.injectedByOperation },
      },
      calls,
      deliveries,
      inventory,
    };
  } finally {
    await pipeline?.stop();
    await Promise.all(proxies.map((proxy) => proxy.stop()));
  }
}
