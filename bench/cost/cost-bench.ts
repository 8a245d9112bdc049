import type { EndToEndResult } from "../end-to-end/end-to-end-bench";
import type { MemoryResult } from "../memory/memory-bench";
import type { ThumbnailResult } from "../thumbnail/thumbnail-bench";
import {
  AP_SOUTH_1_PRICES,
  ASSUMED_AWS_WAIT_MS,
  billedMs,
  dollarsPerMillion,
  type LambdaConfig,
  type LambdaPrices,
  type Workload,
} from "./cost-model";
import { loadConfig } from "../../stacks/config";

/** The processor memory the stack deploys when nothing is configured. */
const STACK_DEFAULT_MEMORY_MB = loadConfig({}).processor.memoryMb;

/** One configuration's cost for one workload. */
export interface CostCell {
  readonly config: LambdaConfig;
  readonly billedMs: number;
  readonly dollarsPerMillion: number;
  /** This cost over the tutorial configuration's cost for the same workload. */
  readonly ofTutorial: number;
}

/** One workload across the configurations. */
export interface CostRow {
  readonly workload: Workload;
  readonly cells: readonly CostCell[];
}

/** The cost section's figures. */
export interface CostResult {
  readonly prices: LambdaPrices;
  /** The memory the bench recommends, from the measured peak RSS. */
  readonly chosenMemoryMb: number;
  readonly worstPeakRssBytes?: number;
  readonly configs: readonly LambdaConfig[];
  readonly rows: readonly CostRow[];
  /** Where each workload's CPU figure comes from. */
  readonly sources: readonly string[];
}

/** The AWS tutorial's configuration: x86_64 (the default architecture), 1024 MB. */
export const TUTORIAL: LambdaConfig = {
  label: "AWS tutorial: x86_64, 1024 MB",
  arch: "x86_64",
  memoryMb: 1024,
};

/** Lambda memory sizes the choice is made from, smallest first. */
const MEMORY_STEPS = [256, 384, 512, 640, 768, 1024, 1536, 2048];

/** Headroom over the worst measured peak RSS: the runtime's own share and fragmentation. */
const HEADROOM = 1.25;

/**
 * Cost per million thumbnails from this run's measured CPU per job, for the
 * tutorial's configuration and the candidate ones; the chosen memory is the
 * smallest step that holds the worst measured peak RSS with 25% headroom.
 */
export function runCostModel(
  thumbnail: ThumbnailResult | undefined,
  endToEnd: EndToEndResult | undefined,
  memory: MemoryResult | undefined
): CostResult {
  const peaks = (memory?.rows ?? []).map((row) =>
    Math.max(row.handlerRss?.max ?? 0, row.thumbnailRss.max)
  );
  const worst = peaks.length > 0 ? Math.max(...peaks) : undefined;
  const chosenMemoryMb =
    worst === undefined
      ? 512
      : MEMORY_STEPS.find((step) => step * 1024 * 1024 >= worst * HEADROOM) ??
        MEMORY_STEPS[MEMORY_STEPS.length - 1];

  const sources: string[] = [];
  const workloads: Workload[] = [];
  let overheadCpuMs: number | undefined;
  if (endToEnd) {
    const processorCpu = endToEnd.loadCpu.find((share) =>
      share.label.startsWith("image processor")
    );
    if (processorCpu) {
      const cpuMs = (processorCpu.seconds * 1000) / endToEnd.options.load;
      overheadCpuMs = Math.max(0, cpuMs - endToEnd.steps.resize.median);
      sources.push(
        `2 MP: the processor environments' CPU time over the ${endToEnd.options.load} jobs of the end-to-end load phase ` +
          `(${cpuMs.toFixed(1)} ms a job; ${
            endToEnd.steps.resize.median
          } ms of it the thumbnail, the rest SDK calls, JSON and logs)`
      );
      for (const waitMs of [0, ASSUMED_AWS_WAIT_MS]) {
        workloads.push({ label: `2 MP web photo, ${waitMs} ms AWS wait`, cpuMs, waitMs });
      }
    }
  }
  const handlerRow = thumbnail?.rows.find((row) => row.setting.startsWith("the handler's code"));
  const handlerCpuMs = handlerRow ? (handlerRow.cpu ?? handlerRow.time).median : 0;
  if (handlerRow && overheadCpuMs !== undefined) {
    const cpuMs = handlerCpuMs + overheadCpuMs;
    sources.push(
      `10 MP: the handler's thumbnail time on one core from the thumbnail table (${handlerCpuMs.toFixed(
        1
      )} ms) ` + `plus the same per-job rest as the 2 MP jobs (${overheadCpuMs.toFixed(1)} ms)`
    );
    for (const waitMs of [0, ASSUMED_AWS_WAIT_MS]) {
      workloads.push({ label: `10 MP camera photo, ${waitMs} ms AWS wait`, cpuMs, waitMs });
    }
  }

  const configs: LambdaConfig[] = [
    TUTORIAL,
    { label: `stack default: arm64, ${STACK_DEFAULT_MEMORY_MB} MB`, arch: "arm64", memoryMb: STACK_DEFAULT_MEMORY_MB },
    { label: `chosen: arm64, ${chosenMemoryMb} MB`, arch: "arm64", memoryMb: chosenMemoryMb },
    { label: `x86_64, ${chosenMemoryMb} MB`, arch: "x86_64", memoryMb: chosenMemoryMb },
    { label: "arm64, 256 MB (only if the worst inputs are refused)", arch: "arm64", memoryMb: 256 },
  ];
  const rows = workloads.map((workload): CostRow => {
    const tutorial = dollarsPerMillion(workload, TUTORIAL, AP_SOUTH_1_PRICES);

    return {
      workload,
      cells: configs.map((config) => {
        const dollars = dollarsPerMillion(workload, config, AP_SOUTH_1_PRICES);

        return {
          config,
          billedMs: billedMs(workload, config),
          dollarsPerMillion: dollars,
          ofTutorial: dollars / tutorial,
        };
      }),
    };
  });

  return {
    prices: AP_SOUTH_1_PRICES,
    chosenMemoryMb,
    worstPeakRssBytes: worst,
    configs,
    rows,
    sources,
  };
}
