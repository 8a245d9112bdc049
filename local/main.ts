/**
 * `npm start`: runs the whole pipeline on this machine. It bundles the
 * handlers, synthesizes the local stage, starts the emulators on 127.0.0.1,
 * creates and wires what the stack declares, uploads the inputs, waits for
 * every job and prints where the results are.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";

import { EMULATOR_CREDENTIALS } from "./emulators";
import { writeEndpointsFile } from "./endpoints-file";
import { writeGallery } from "./gallery";
import { collectInputs, InputError, InputFile, SkippedEntry } from "./inputs";
import { readFaultOption } from "./faults/fault-option";
import { JobTracker } from "./job-tracker";
import { prepareOutputFolder } from "./output-folder";
import { LocalPipeline, startLocalPipeline } from "./pipeline";
import { StackPreparationError, withLocalStack } from "./prepare-stack";
import { exportResults } from "./results";
import { SAMPLE_IMAGES, writeSampleImages } from "./sample-images";
import { formatSummary, summarize } from "./summary";
import { LocalModeConfigError } from "./terraform-json";

const USAGE = `Usage: npm start -- [options] [file or folder ...]

Runs the image pipeline locally on the given images, or on a built-in sample
set when none are given.

Options:
  --out DIR          where results go (default .local)
  --stack-json FILE  run an already synthesized cdk.tf.json (skips build and synth)
  --timeout SECONDS  how long to wait for all jobs (default 120)
  --concurrency N    execution environments per function, 1 to 64 (default 2)
  --fault-plan FILE  put a proxy injecting the plan's faults (local/faults/fault-plan.ts)
                     between each function and the emulators
  --keep-running     after the summary, keep the emulators up (Ctrl-C stops them)
                     and print aws CLI commands to try the pipeline by hand;
                     the endpoints go to <out>/run/local-endpoints.json
  -h, --help         this text`;

interface CliOptions {
  readonly inputs: string[];
  readonly outDir: string;
  readonly stackJson?: string;
  readonly timeoutMs: number;
  readonly concurrency: number;
  readonly keepRunning: boolean;
  readonly faultPlan?: string;
}

function positiveNumber(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InputError(`${flag} needs a positive number, got "${value}"`);

  return number;
}

const MAX_CONCURRENCY = 64;

/**
 * The folder the user ran the command from: npm runs scripts in the package
 * folder and says where it was called from in INIT_CWD.
 */
function userCwd(): string {
  return process.env.INIT_CWD || process.cwd();
}

function nonEmpty(value: string, flag: string): string {
  if (value.trim() === "") throw new InputError(`${flag} needs a folder, got an empty value`);

  return value;
}

function wholeNumber(value: string | undefined, fallback: number, flag: string, max: number): number {
  const number = positiveNumber(value, fallback, flag);
  if (!Number.isInteger(number) || number > max) {
    throw new InputError(`${flag} needs a whole number from 1 to ${max}, got "${value}"`);
  }

  return number;
}

const CLI_FLAGS = {
  out: { type: "string" },
  "stack-json": { type: "string" },
  timeout: { type: "string" },
  concurrency: { type: "string" },
  "keep-running": { type: "boolean" },
  "fault-plan": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function parseCli(argv: string[]): CliOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: CLI_FLAGS });
  } catch (error) {
    throw new InputError(`${(error as Error).message} (see npm start -- --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;

  return {
    inputs: positionals,
    outDir: values.out === undefined ? resolve(".local") : resolve(userCwd(), nonEmpty(values.out, "--out")),
    stackJson: values["stack-json"] ? resolve(userCwd(), values["stack-json"]) : undefined,
    timeoutMs: positiveNumber(values.timeout, 120, "--timeout") * 1000,
    concurrency: wholeNumber(values.concurrency, 2, "--concurrency", MAX_CONCURRENCY),
    keepRunning: values["keep-running"] ?? false,
    faultPlan: values["fault-plan"] ? resolve(userCwd(), values["fault-plan"]) : undefined,
  };
}

function progress(done: number, total: number): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((done / Math.max(total, 1)) * width);
  process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} jobs`);
  if (done === total) process.stderr.write("\n");
}

async function uploadAll(tracker: JobTracker, inputs: readonly InputFile[], signal: AbortSignal): Promise<void> {
  const queue = [...inputs];
  const workers = Array.from({ length: 8 }, async () => {
    for (let input = queue.shift(); input && !signal.aborted; input = queue.shift()) {
      await tracker.upload(input.path, input.key);
    }
  });
  await Promise.all(workers);
}

/** What to type to use the running emulators with the aws CLI. */
function handTryInstructions(pipeline: LocalPipeline): string {
  const { outputs, endpoints } = pipeline;

  return [
    "The emulators stay up until Ctrl-C. In another shell:",
    `  export AWS_ACCESS_KEY_ID=${EMULATOR_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${EMULATOR_CREDENTIALS.secretAccessKey} AWS_REGION=${outputs.region} AWS_DEFAULT_REGION=${outputs.region}`,
    `  aws --endpoint-url ${endpoints.s3} s3 cp photo.jpg s3://${outputs.uploadsBucket}/photo.jpg`,
    `  aws --endpoint-url ${endpoints.s3} s3 ls s3://${outputs.thumbnailsBucket}/ --recursive`,
    `  aws --endpoint-url ${endpoints.dynamodb} dynamodb scan --table-name ${outputs.jobsTable}`,
    `  aws --endpoint-url ${endpoints.s3} s3 ls s3://${outputs.analyticsBucket}/ --recursive`,
  ].join("\n");
}

/** Why the function failed for each upload key whose processing failed for good. */
function failuresByKey(pipeline: LocalPipeline): Map<string, string> {
  const failures = new Map<string, string>();
  const prefix = `s3://${pipeline.outputs.uploadsBucket}/`;
  for (const { source, outcome } of pipeline.inFlight.outcomes) {
    if (outcome.result.ok || !source.startsWith(prefix)) continue;
    const where = outcome.sentToDestination ? "; the event went to the on-failure queue" : "";
    failures.set(
      source.slice(prefix.length),
      `the image processor failed ${outcome.attempts} time(s): ${outcome.result.errorType}: ${outcome.result.errorMessage}${where}`,
    );
  }

  return failures;
}

async function run(options: CliOptions): Promise<number> {
  const faults = options.faultPlan ? readFaultOption(options.faultPlan) : undefined;
  const root = resolve(__dirname, "..");
  const skipped: SkippedEntry[] = [];
  const inputs = options.inputs.length > 0 ? collectInputs(options.inputs, skipped, userCwd()) : undefined;
  for (const entry of skipped) console.log(`Skipping ${relative(process.cwd(), entry.path)}: ${entry.reason}`);
  const releaseOutput = prepareOutputFolder(options.outDir, inputs?.map((input) => input.path) ?? [], root);
  try {
    return await runInFolder(options, root, inputs, faults);
  } finally {
    releaseOutput();
  }
}

async function runInFolder(
  options: CliOptions,
  root: string,
  givenInputs: InputFile[] | undefined,
  faults: ReturnType<typeof readFaultOption> | undefined,
): Promise<number> {
  let inputs = givenInputs;
  const resultsDir = join(options.outDir, "results");
  const workDir = join(options.outDir, "run");
  mkdirSync(resultsDir, { recursive: true });

  let expected = new Map<string, string>();
  if (!inputs) {
    const samplesDir = join(options.outDir, "samples");
    const paths = await writeSampleImages(samplesDir);
    inputs = SAMPLE_IMAGES.map((sample, index) => ({ path: paths[index], key: sample.name }));
    expected = new Map(SAMPLE_IMAGES.map((sample) => [sample.name, sample.expected]));
    console.log(`No inputs given: using ${inputs.length} sample files written to ${samplesDir}`);
  }

  if (!options.stackJson) console.log("Bundling the handlers and synthesizing the local stage...");

  // The first Ctrl-C ends the wait and writes what is done; a second one quits at once.
  const stopWaiting = new AbortController();
  const interrupt = () => {
    if (stopWaiting.signal.aborted) process.exit(130);
    process.stderr.write("\nInterrupted: writing the results so far and stopping (Ctrl-C again to quit now)...\n");
    stopWaiting.abort();
  };
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);

  let pipeline: LocalPipeline | undefined;
  try {
    pipeline = await withLocalStack(root, options.stackJson, (stackJsonPath) => {
      console.log(`Starting emulators and wiring ${relative(process.cwd(), stackJsonPath)}`);

      return startLocalPipeline({
        stackJsonPath,
        workDir,
        concurrency: options.concurrency,
        functionEndpoints: faults?.functionEndpoints,
      });
    });
    console.log(
      `S3 ${pipeline.endpoints.s3}  DynamoDB ${pipeline.endpoints.dynamodb}  SNS/SQS ${pipeline.endpoints.sns}`,
    );
    const count = `${inputs.length} ${inputs.length === 1 ? "file" : "files"}`;
    console.log(`Uploading ${count} to s3://${pipeline.outputs.uploadsBucket}/`);
    const tracker = new JobTracker(pipeline);
    await uploadAll(tracker, inputs, stopWaiting.signal);
    const { timedOut } = await tracker.waitForAll(options.timeoutMs, (done, total) => {
      if (!stopWaiting.signal.aborted) progress(done, total);
    }, stopWaiting.signal);

    const interrupted = stopWaiting.signal.aborted;
    // Stopped functions change nothing more, so what is written is one consistent moment.
    if (interrupted) await pipeline.stopFunctions();
    const results = await exportResults(pipeline, tracker.uploads, resultsDir);
    const summary = summarize(results, { expected, failures: failuresByKey(pipeline), interrupted, timedOut });
    writeFileSync(join(resultsDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`\n${formatSummary(summary, resultsDir)}`);
    console.log(`Function logs:       ${relative(process.cwd(), pipeline.logDir)}/`);
    console.log(`Gallery:             ${relative(process.cwd(), writeGallery(summary, resultsDir))}`);
    if (faults) console.log(faults.summary());
    if (interrupted) return 130;
    if (options.keepRunning) {
      const endpointsFile = writeEndpointsFile(pipeline, workDir);
      console.log(`\n${handTryInstructions(pipeline)}`);
      console.log(`Endpoints for other tools: ${relative(process.cwd(), endpointsFile)}`);
      console.log(`  npm run verify -- --local ${relative(process.cwd(), endpointsFile)}`);
      await new Promise((resolve) => stopWaiting.signal.addEventListener("abort", resolve));
      rmSync(endpointsFile, { force: true });
    }

    return summary.problems.length === 0 ? 0 : 1;
  } finally {
    await pipeline?.stop();
    await faults?.stop();
    process.off("SIGINT", interrupt);
    process.off("SIGTERM", interrupt);
  }
}

async function main(): Promise<void> {
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  try {
    const options = parseCli(process.argv.slice(2));
    if (!options) {
      console.log(USAGE);
      return;
    }
    process.exitCode = await run(options);
  } catch (error) {
    const known =
      error instanceof InputError || error instanceof LocalModeConfigError || error instanceof StackPreparationError;
    console.error(`error: ${(error as Error).message}`);
    if (!known && process.env.DEBUG) console.error(error);
    process.exitCode = known ? 2 : 1;
  }
}

void main();
