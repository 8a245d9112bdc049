/**
 * `npm run load-test -- --count 1000`: uploads N generated images, good and
 * bad mixed, through local mode and reports how each ended: succeeded,
 * failed as expected, lost, duplicated, and the throughput. Exits 1 when
 * anything was lost, duplicated or ended otherwise than expected.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { FaultPlanError, FaultRule } from "../local/faults/fault-plan";
import { writeGeneratedSet } from "../local/faults/generated-images";
import { formatLoadSummary, summarizeLoad } from "../local/faults/load-summary";
import { runScenario } from "../local/faults/scenario";
import { judgeRun } from "../local/faults/verdict";
import { parseFlags, runCli, UsageError } from "./lib/cli-args";

const USAGE = `Usage: npm run load-test -- [options]

  --count N          uploads (default 200, at most 5000)
  --seed N           seed of the generated images and of the faults (default 1)
  --bad-share X      share of bad inputs, 0 to 1 (default 0.2)
  --fault-rate X     inject throttling, 500s and dropped connections on S3,
                     DynamoDB and SNS at this rate per request, at most two
                     per call so the SDK's retries absorb them (default 0)
  --concurrency N    execution environments per function (default 2)
  --timeout SECONDS  deadline for all jobs (default 900)
  --report FILE      also write the summary and the verdict of each upload as JSON
  --keep             keep the generated images and the emulator storage`;

const MAX_COUNT = 5000;

function number(value: string | undefined, fallback: number, flag: string, max = Infinity): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > max) {
    throw new UsageError(`${flag} needs a number from 0 to ${max}, got "${value}"`);
  }

  return parsed;
}

/** Light faults on every call the pipeline makes, capped so that none fails a whole invocation. */
function backgroundFaults(rate: number): FaultRule[] {
  if (rate === 0) return [];
  const bounded = { rate, maxPerCall: 2 };

  return [
    { kind: "throttle", service: "s3", operations: ["GetObject", "PutObject"], ...bounded },
    {
      kind: "server-error",
      service: "dynamodb",
      operations: ["UpdateItem", "PutItem"],
      ...bounded,
    },
    { kind: "drop", service: "sns", operations: ["Publish"], ...bounded },
  ];
}

async function main(): Promise<void> {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log(USAGE);
    return;
  }
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const flags = parseFlags(process.argv.slice(2), {
    count: "value",
    seed: "value",
    "bad-share": "value",
    "fault-rate": "value",
    concurrency: "value",
    timeout: "value",
    report: "value",
    keep: "switch",
  });
  const count = number(flags.count, 200, "--count", MAX_COUNT);
  if (!Number.isInteger(count) || count < 1)
    throw new UsageError(`--count needs a whole number from 1, got "${flags.count}"`);
  const seed = Math.floor(number(flags.seed, 1, "--seed"));
  const badShare = number(flags["bad-share"], 0.2, "--bad-share", 1);
  const faultRate = number(flags["fault-rate"], 0, "--fault-rate", 1);
  const concurrency = Math.max(1, Math.floor(number(flags.concurrency, 2, "--concurrency", 64)));
  const timeoutSeconds = number(flags.timeout, 900, "--timeout");

  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), "load-test-"));
  try {
    console.log(`Generating ${count} images (seed ${seed}, ${Math.round(badShare * 100)}% bad)...`);
    const uploads = await writeGeneratedSet({ dir: join(dir, "images"), count, seed, badShare });
    console.log("Bundling the handlers, synthesizing the local stage, running...");
    const report = await runScenario({
      workDir: join(dir, "work"),
      seed,
      faults: backgroundFaults(faultRate),
      concurrency,
      phases: [uploads],
      phaseTimeoutSeconds: timeoutSeconds,
      inspectThumbnails: false,
    });
    const verdict = judgeRun(report);
    const summary = summarizeLoad(report, verdict);
    console.log(`\n${formatLoadSummary(summary)}`);
    console.log(`wall time, all included: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (flags.report) {
      const path = resolve(flags.report);
      writeFileSync(
        path,
        `${JSON.stringify(
          { summary, faults: report.faults, uploads: verdict.uploads },
          null,
          2,
        )}\n`,
      );
      console.log(`report: ${path}`);
    }
    process.exitCode = summary.passed ? 0 : 1;
  } finally {
    if (flags.keep) console.log(`kept: ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

runCli(main, [UsageError, FaultPlanError]);
