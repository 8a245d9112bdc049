import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

import { JobTracker, type TrackedUpload } from "../../local/job-tracker";
import { startLocalPipeline } from "../../local/pipeline";
import { type BenchImage, webPhotos } from "../lib/bench-images";
import { prepareBenchLocalStack } from "../lib/local-stack";
import { childCpuSeconds, ownCpuSeconds } from "../lib/process-cpu";
import { percentile, type Summary, summarize } from "../lib/stats";
import { IMAGES, WORK } from "../lib/work-dir";

/** Sizes of the end-to-end run. */
export interface EndToEndOptions {
  /** Uploads before anything is measured, so every execution environment is warm. */
  readonly warmUp: number;
  /** Uploads one after another, each waited for: the latency figures. */
  readonly sequential: number;
  /** Uploads as fast as eight uploaders send them: the throughput figures. */
  readonly load: number;
  /** Execution environments per function (local mode's default is 2). */
  readonly concurrency: number;
  /** Longest wait for the load phase to drain. */
  readonly timeoutMs: number;
}

/** Latency percentiles of one phase, upload start to analytics document. */
export interface LatencyFigures {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly count: number;
}

/** Per-step times the processor logged, warm, sequential phase. */
export interface StepFigures {
  readonly download: Summary;
  readonly resize: Summary;
  /** The processor's own durationMs of each job (claim to final record, without the message). */
  readonly processing: Summary;
  /** Cold starts (module init) of the processor's execution environments. */
  readonly processorInitMs: readonly number[];
}

/** Where the CPU went during the load phase, in CPU seconds. */
export interface CpuShare {
  readonly label: string;
  readonly seconds: number;
}

/** The end-to-end section's figures. */
export interface EndToEndResult {
  readonly images: readonly BenchImage[];
  readonly sequential: LatencyFigures;
  readonly load: LatencyFigures & {
    readonly seconds: number;
    readonly perSecond: number;
    readonly lost: number;
    readonly failed: number;
    readonly duplicates: number;
    readonly stray: number;
  };
  readonly steps: StepFigures;
  /** CPU seconds per process group during the load phase; capacity is cores x wall time. */
  readonly loadCpu: readonly CpuShare[];
  readonly options: EndToEndOptions;
}

function latencies(uploads: readonly TrackedUpload[]): LatencyFigures {
  const values = uploads
    .filter((u) => u.uploadedAt !== undefined && u.finishedAt !== undefined)
    .map((u) => u.finishedAt! - u.uploadedAt!);
  if (values.length === 0) return { p50: NaN, p95: NaN, max: NaN, count: 0 };

  return {
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    max: Math.max(...values),
    count: values.length,
  };
}

async function waitForDocument(upload: TrackedUpload, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (upload.finishedAt === undefined && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** CPU seconds so far: this process (harness and emulators) and each function's environments. */
function cpuByGroup(): Map<string, number> {
  const groups = childCpuSeconds((commandLine) =>
    commandLine.includes("image-processor")
      ? "image processor environments"
      : commandLine.includes("analytics-logger")
      ? "analytics logger environments"
      : "other child processes"
  );
  groups.set("harness + emulators (this process)", ownCpuSeconds());

  return groups;
}

/** Reads the processor's "downloaded" and "resized" log lines of the given keys. */
function loggedSteps(
  logDir: string,
  keys: ReadonlySet<string>
): { download: number[]; resize: number[] } {
  const download: number[] = [];
  const resize: number[] = [];
  const file = join(logDir, "activity4-image-pipeline-local-image-processor.log");
  if (!existsSync(file)) return { download, resize };
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.startsWith("{")) continue;
    let entry: { message?: string; key?: string; ms?: number };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (!entry.key || !keys.has(entry.key) || typeof entry.ms !== "number") continue;
    if (entry.message === "downloaded") download.push(entry.ms);
    if (entry.message === "resized") resize.push(entry.ms);
  }

  return { download, resize };
}

/**
 * Local mode end to end, driven in this process: the bench's own build and
 * local-stage synth, the emulators, then uploads followed to their analytics
 * documents with local mode's JobTracker. Warm-up first; then uploads one at
 * a time (latency); then many at once (throughput, lost, duplicates).
 */
export async function runEndToEndBench(
  options: EndToEndOptions,
  log: (line: string) => void
): Promise<EndToEndResult> {
  const images = await webPhotos(IMAGES, 10);
  const stackJson = await prepareBenchLocalStack();
  const workDir = join(WORK, "end-to-end-run");
  rmSync(workDir, { recursive: true, force: true });
  const pipeline = await startLocalPipeline({
    stackJsonPath: stackJson,
    workDir,
    concurrency: options.concurrency,
  });
  try {
    const tracker = new JobTracker(pipeline);
    const image = (i: number) => images[i % images.length];

    log(`  warm-up: ${options.warmUp} uploads`);
    await Promise.all(
      Array.from({ length: options.warmUp }, (_, i) =>
        tracker.upload(image(i).path, `warm/${i}.jpg`)
      )
    );
    await tracker.waitForAll(options.timeoutMs);

    log(`  latency: ${options.sequential} uploads, one at a time`);
    const sequential: TrackedUpload[] = [];
    for (let i = 0; i < options.sequential; i += 1) {
      const upload = await tracker.upload(image(i).path, `sequential/${i}.jpg`);
      await waitForDocument(upload, 30_000);
      sequential.push(upload);
      // Lets the logger's write settle before the next upload starts the clock.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    log(`  throughput: ${options.load} uploads, 8 uploaders`);
    const load: TrackedUpload[] = [];
    let next = 0;
    const cpuBefore = cpuByGroup();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = next++; i < options.load; i = next++) {
          load.push(await tracker.upload(image(i).path, `load/${String(i).padStart(4, "0")}.jpg`));
        }
      })
    );
    await tracker.waitForAll(options.timeoutMs);
    const cpuAfter = cpuByGroup();
    const done = load.filter((u) => u.finishedAt !== undefined);
    const lastDocument = Math.max(...done.map((u) => u.finishedAt!));
    const seconds = (lastDocument - started) / 1000;

    const sequentialKeys = new Set(sequential.map((u) => u.key));
    const steps = loggedSteps(pipeline.logDir, sequentialKeys);
    const processing = sequential
      .map((u) => (u.document?.durations as { processingMs?: number } | undefined)?.processingMs)
      .filter((v): v is number => typeof v === "number");
    const processor = pipeline.model.functions.find((fn) => fn.name.endsWith("image-processor"));
    const processorHost = processor ? pipeline.hosts.get(processor.address) : undefined;

    return {
      images,
      sequential: latencies(sequential),
      load: {
        ...latencies(load),
        seconds,
        perSecond: done.length / seconds,
        lost: load.length - done.length,
        failed: done.filter((u) => u.document?.status !== "SUCCEEDED").length,
        duplicates: load.reduce((sum, u) => sum + u.duplicates, 0),
        stray: tracker.strayDocuments.length,
      },
      steps: {
        download: summarize(steps.download.length ? steps.download : [NaN]),
        resize: summarize(steps.resize.length ? steps.resize : [NaN]),
        processing: summarize(processing.length ? processing : [NaN]),
        processorInitMs: processorHost?.initDurationsMs ?? [],
      },
      loadCpu: [...cpuAfter.entries()].map(([label, seconds]) => ({
        label,
        seconds: seconds - (cpuBefore.get(label) ?? 0),
      })),
      options,
    };
  } finally {
    await pipeline.stop();
  }
}
