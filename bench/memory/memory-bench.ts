import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { build } from "esbuild";

import { EMULATOR_CREDENTIALS } from "../../local/emulators";
import { startLocalPipeline } from "../../local/pipeline";
import {
  type BenchImage,
  limitJpegBaseline,
  limitJpegProgressive,
  limitPng,
  photo10Mp,
  photo24Mp,
  photo24MpProgressive,
} from "../lib/bench-images";
import { hostFunctionDir, prepareBenchLocalStack } from "../lib/local-stack";
import { hasGnuTime, measureProcess } from "../lib/measure-process";
import { type Summary, summarize } from "../lib/stats";
import { IMAGES, ROOT, WORK } from "../lib/work-dir";

/** How often each input is measured. */
export interface MemoryBenchOptions {
  /** Fresh processes per input and per way of running. */
  readonly runs: number;
}

/** Peak RSS of one input. */
export interface MemoryRow {
  readonly label: string;
  readonly image: BenchImage;
  /** Loading sharp and reading the file, nothing decoded. */
  readonly baselineRss: Summary;
  /** probeImage + makeThumbnail in a fresh process. */
  readonly thumbnailRss: Summary;
  readonly thumbnailWall: Summary;
  /** The built handler, one cold invocation against the emulators. */
  readonly handlerRss?: Summary;
  readonly handlerInvokeMs?: Summary;
  readonly outcome?: string;
}

/** The memory section's figures. */
export interface MemoryResult {
  readonly rows: readonly MemoryRow[];
  readonly skipped: readonly string[];
  readonly options: MemoryBenchOptions;
}

async function bundleRunner(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [join(__dirname, entry)],
    outfile,
    absWorkingDir: ROOT,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: ["sharp"],
    logLevel: "error",
  });

  return outfile;
}

async function peakRss(
  runs: number,
  argv: readonly string[],
  env: NodeJS.ProcessEnv
): Promise<{ rss: Summary; wall: Summary; lastStdout: string }> {
  const rss: number[] = [];
  const wall: number[] = [];
  let lastStdout = "";
  for (let i = 0; i < runs; i += 1) {
    const measured = await measureProcess(argv[0], argv.slice(1), { env, sampleMs: 0 });
    if (measured.maxRssBytes === undefined) throw new Error("GNU time reported no peak RSS");
    rss.push(measured.maxRssBytes);
    wall.push(measured.wallMs);
    lastStdout = measured.stdout;
  }

  return { rss: summarize(rss), wall: summarize(wall), lastStdout };
}

/**
 * Peak RSS (the kernel's high-water mark, via GNU time) of fresh processes
 * that make the thumbnail of a 10 MP and a 24 MP photo and of the largest
 * inputs the limits allow (40 MP within 25 MiB: baseline JPEG, progressive
 * 4:4:4 JPEG, RGBA PNG), first with the handler's thumbnail code alone,
 * then with the whole built handler in one cold invocation against the
 * local emulators (download, probe, thumbnail, upload, job record, message).
 */
export async function runMemoryBench(
  options: MemoryBenchOptions,
  log: (line: string) => void
): Promise<MemoryResult> {
  const skipped: string[] = [];
  if (!hasGnuTime()) {
    skipped.push(
      "peak RSS needs GNU time (/usr/bin/time, Debian package time); the memory section did not run"
    );
    return { rows: [], skipped, options };
  }
  log("  generating the inputs (cached after the first run)");
  const inputs: [string, BenchImage][] = [
    ["10 MP photo", await photo10Mp(IMAGES)],
    ["24 MP photo", await photo24Mp(IMAGES)],
    ["24 MP progressive 4:4:4 JPEG", await photo24MpProgressive(IMAGES)],
    ["40 MP JPEG at the byte limit", await limitJpegBaseline(IMAGES)],
    ["40 MP progressive 4:4:4 JPEG at the byte limit", await limitJpegProgressive(IMAGES)],
    ["40 MP RGBA PNG", await limitPng(IMAGES)],
  ];
  const runners = join(WORK, "memory");
  const thumbnailRunner = await bundleRunner(
    "thumbnail-only-entry.ts",
    join(runners, "thumbnail-only.js")
  );
  const invokeRunner = await bundleRunner(
    "invoke-handler-entry.ts",
    join(runners, "invoke-handler.js")
  );
  const plainEnv = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    NODE_PATH: join(ROOT, "node_modules"),
  };

  const partial: Omit<MemoryRow, "handlerRss" | "handlerInvokeMs" | "outcome">[] = [];
  for (const [label, image] of inputs) {
    log(`  thumbnail code alone: ${label}`);
    const baseline = await peakRss(
      options.runs,
      [process.execPath, thumbnailRunner, image.path, "load"],
      plainEnv
    );
    const thumbnail = await peakRss(
      options.runs,
      [process.execPath, thumbnailRunner, image.path],
      plainEnv
    );
    partial.push({
      label,
      image,
      baselineRss: baseline.rss,
      thumbnailRss: thumbnail.rss,
      thumbnailWall: thumbnail.wall,
    });
  }

  log("  starting the local pipeline for the whole handler");
  const stackJson = await prepareBenchLocalStack();
  const workDir = join(WORK, "memory-run");
  rmSync(workDir, { recursive: true, force: true });
  const pipeline = await startLocalPipeline({ stackJsonPath: stackJson, workDir });
  const rows: MemoryRow[] = [];
  try {
    const bucket = "bench-memory-sources";
    await pipeline.clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      TZ: "UTC",
      AWS_REGION: pipeline.outputs.region,
      AWS_DEFAULT_REGION: pipeline.outputs.region,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ENDPOINT_URL_S3: pipeline.endpoints.s3,
      AWS_ENDPOINT_URL_DYNAMODB: pipeline.endpoints.dynamodb,
      AWS_ENDPOINT_URL_SNS: pipeline.endpoints.sns,
      AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
      AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      THUMBNAILS_BUCKET: pipeline.outputs.thumbnailsBucket,
      JOBS_TABLE: pipeline.outputs.jobsTable,
      EVENTS_TOPIC_ARN: pipeline.outputs.topicArn,
    };
    const bundle = join(hostFunctionDir("image-processor"), "index.js");
    for (const row of partial) {
      log(`  whole handler, cold invocation: ${row.label}`);
      const key = `memory/${row.image.path.split("/").pop()}`;
      await pipeline.clients.s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(row.image.path) })
      );
      const invoke = [process.execPath, invokeRunner, bundle, bucket, key, String(row.image.bytes)];
      const measured = await peakRss(options.runs, invoke, env);
      const resultLine = measured.lastStdout.split("\n").find((line) => line.startsWith("RESULT "));
      const result = resultLine
        ? (JSON.parse(resultLine.slice(7)) as { counts: Record<string, number>; invokeMs: number })
        : undefined;
      rows.push({
        ...row,
        handlerRss: measured.rss,
        handlerInvokeMs: measured.wall,
        outcome: result ? Object.keys(result.counts).join(", ") : "no result line",
      });
    }
    await pipeline.settle();
  } finally {
    await pipeline.stop();
  }

  return { rows, skipped, options };
}
