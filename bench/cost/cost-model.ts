/**
 * Lambda list prices used by the cost model. They are not fetched: check
 * them on the AWS Lambda pricing page before relying on the figures.
 */
export interface LambdaPrices {
  readonly region: string;
  /** When these list prices were taken down. */
  readonly asOf: string;
  readonly x86_64PerGbSecond: number;
  readonly arm64PerGbSecond: number;
  readonly perMillionRequests: number;
}

/** ap-south-1 (Mumbai) on-demand list prices, first pricing tier. */
export const AP_SOUTH_1_PRICES: LambdaPrices = {
  region: "ap-south-1",
  asOf: "as known when this bench was written (2026-12-04); not fetched by the bench",
  x86_64PerGbSecond: 0.0000166667,
  arm64PerGbSecond: 0.0000133334,
  perMillionRequests: 0.2,
};

/** Memory at which Lambda gives a function one full vCPU; below it, CPU is a proportional share. */
export const FULL_VCPU_MB = 1769;

/**
 * Waiting on AWS per job (DynamoDB claim and final write, S3 GET of the
 * source, S3 PUT of the thumbnail, SNS publish), which local emulators on
 * loopback cannot show. An assumption, stated beside every figure that uses it.
 */
export const ASSUMED_AWS_WAIT_MS = 60;

/** One kind of job: CPU time on one full core and time spent waiting on other services. */
export interface Workload {
  readonly label: string;
  readonly cpuMs: number;
  readonly waitMs: number;
}

/** A function configuration. */
export interface LambdaConfig {
  readonly label: string;
  readonly arch: "arm64" | "x86_64";
  readonly memoryMb: number;
}

/**
 * Billed duration of one job: the CPU part stretches by the CPU share the
 * memory size buys (a single-threaded job gains nothing above one vCPU),
 * the waiting part does not; Lambda bills whole milliseconds.
 */
export function billedMs(workload: Workload, config: LambdaConfig): number {
  const stretch = Math.max(1, FULL_VCPU_MB / config.memoryMb);

  return Math.ceil(workload.cpuMs * stretch + workload.waitMs);
}

/** Dollars per million jobs: GB-seconds at the architecture's price plus the request charge. */
export function dollarsPerMillion(
  workload: Workload,
  config: LambdaConfig,
  prices: LambdaPrices
): number {
  const perGbSecond = config.arch === "arm64" ? prices.arm64PerGbSecond : prices.x86_64PerGbSecond;
  const gbSeconds = (config.memoryMb / 1024) * (billedMs(workload, config) / 1000);

  return 1e6 * gbSeconds * perGbSecond + prices.perMillionRequests;
}
