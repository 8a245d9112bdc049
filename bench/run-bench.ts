/**
 * `npm run bench [-- --only <sections>] [-- --quick]`: measures synth,
 * thumbnail, bundle, memory, end to end and cost in one run on this machine
 * and writes BENCHMARKS.md. Run `bench/setup-debian.sh` first for the
 * Pillow, ImageMagick and djpeg comparisons; without them those rows are
 * skipped and the report says so.
 *
 * `--only` runs some sections and prints their figures without touching
 * BENCHMARKS.md; `--quick` takes fewer samples, for trying the bench out.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";

import { parseFlags, runCli, UsageError } from "../scripts/lib/cli-args";
import { runBundleBench } from "./bundle/bundle-bench";
import { runCostModel } from "./cost/cost-bench";
import { runEndToEndBench } from "./end-to-end/end-to-end-bench";
import { machineInfo } from "./lib/machine-info";
import { runMemoryBench } from "./memory/memory-bench";
import {
  benchmarksMarkdown,
  type BenchResults,
  SECTIONS,
  type SectionName,
} from "./report/benchmarks-markdown";
import { runSynthBench } from "./synth/synth-bench";
import { runThumbnailBench } from "./thumbnail/thumbnail-bench";
import { ROOT, WORK } from "./lib/work-dir";

/** Raised when a section of the bench failed; the others still ran and were reported. */
class BenchFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BenchFailedError";
  }
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function parseSections(value: string | undefined): SectionName[] {
  if (value === undefined) return [...SECTIONS];
  const names = value.split(",").map((name) => name.trim());
  for (const name of names) {
    if (!SECTIONS.includes(name as SectionName)) {
      throw new UsageError(`--only: unknown section "${name}"; sections: ${SECTIONS.join(", ")}`);
    }
  }

  return names as SectionName[];
}

runCli(async () => {
  const flags = parseFlags(process.argv.slice(2), { only: "value", quick: "switch" });
  const sections = parseSections(flags.only);
  const quick = flags.quick === "true";
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  process.env.CHECKPOINT_DISABLE = "1";
  mkdirSync(WORK, { recursive: true });

  const started = Date.now();
  const results: BenchResults = {
    load: {},
    machine: machineInfo(),
    quick,
    sections,
    durationsMs: {},
    failures: {},
  };
  const timed = async <T>(name: SectionName, run: () => Promise<T>): Promise<T | undefined> => {
    if (!sections.includes(name)) return undefined;
    log(`== ${name}`);
    const sectionStarted = Date.now();
    const loadBefore = loadavg()[0];
    try {
      return await run();
    } catch (error) {
      results.failures[name] = error instanceof Error ? error.message : String(error);
      log(`  failed: ${results.failures[name]}`);

      return undefined;
    } finally {
      results.durationsMs[name] = Date.now() - sectionStarted;
      results.load[name] = [loadBefore, loadavg()[0]];
    }
  };

  results.synth = await timed("synth", () => runSynthBench({ rounds: quick ? 1 : 5 }, log));
  results.thumbnail = await timed("thumbnail", () =>
    runThumbnailBench(
      quick
        ? { rounds: 1, iterations: 5, warmUp: 2, processRuns: 3 }
        : { rounds: 5, iterations: 10, warmUp: 3, processRuns: 4 },
      log
    )
  );
  results.bundle = await timed("bundle", () => runBundleBench({ initRuns: quick ? 3 : 15 }, log));
  results.memory = await timed("memory", () => runMemoryBench({ runs: quick ? 1 : 3 }, log));
  results.endToEnd = await timed("end-to-end", () =>
    runEndToEndBench(
      quick
        ? { warmUp: 8, sequential: 20, load: 200, concurrency: 2, timeoutMs: 300_000 }
        : { warmUp: 20, sequential: 100, load: 1000, concurrency: 2, timeoutMs: 600_000 },
      log
    )
  );
  if (sections.includes("cost")) {
    results.cost = runCostModel(results.thumbnail, results.endToEnd, results.memory);
  }
  results.totalMs = Date.now() - started;

  writeFileSync(join(WORK, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const markdown = benchmarksMarkdown(results);
  if (flags.only === undefined && !quick) {
    writeFileSync(join(ROOT, "BENCHMARKS.md"), markdown);
    log(`wrote BENCHMARKS.md in ${Math.round(results.totalMs / 1000)} s`);
  } else {
    process.stdout.write(markdown);
    log("--only or --quick: BENCHMARKS.md left as it was");
  }
  if (Object.keys(results.failures).length > 0) {
    throw new BenchFailedError(`sections failed: ${Object.keys(results.failures).join(", ")}`);
  }
}, [UsageError, BenchFailedError]);
