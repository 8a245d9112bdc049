import { ConfigError } from "./errors";

/**
 * The typed configuration of one pipeline stack, read once from the
 * environment by {@link loadConfig}. Every field has a default; a bad value is
 * a {@link ConfigError} naming the variable and what it accepts.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | STAGE | `dev` | stage name; `local` is the stage the embedded local mode synthesizes |
 * | STACK_NAME | `activity4-image-pipeline-<stage>` | prefix of every resource name (1-39 chars) |
 * | PIPELINE_REGION, then AWS_REGION | `ap-south-1` | region of the stack |
 * | LAMBDA_ARCH | `arm64` (`local`: this host's) | `arm64` or `x86_64` |
 * | INSTRUCTOR_USER | `on` | `on`/`off`: the read-only instructor IAM user |
 * | BUCKET_NAMES_WITH_ACCOUNT_ID | `on` (`local`: `off`) | suffix bucket names with the account id (S3 names are global) |
 * | BUCKET_FORCE_DESTROY | `off` for stages `prod`/`production`, else `on` | let `terraform destroy` delete buckets that still hold objects |
 * | LOG_RETENTION_DAYS | `14` | retention of both log groups (a CloudWatch Logs value) |
 * | PIPELINE_LOG_LEVEL | `INFO` | LOG_LEVEL given to both functions |
 * | ANALYTICS_PREFIX | `image-events` | key prefix of the analytics documents |
 * | ANALYTICS_TRANSITION_DAYS | `30` | age at which large analytics objects move to STANDARD_IA |
 * | ANALYTICS_EXPIRATION_DAYS | `365` | age at which analytics objects are deleted |
 * | ANALYTICS_NONCURRENT_VERSION_DAYS | `7` | days an overwritten or deleted analytics document stays recoverable |
 * | ACCESS_LOGGING | `on` | `on`/`off`: S3 server access logs of the uploads, thumbnails and analytics buckets, in an access-log bucket |
 * | ACCESS_LOG_EXPIRATION_DAYS | `90` | age at which access-log objects are deleted |
 * | THUMBNAIL_SIZE, MAX_INPUT_BYTES, MAX_INPUT_PIXELS | `128`, `26214400`, `40000000` | processor limits |
 * | PROCESSOR_MEMORY_MB, PROCESSOR_TIMEOUT_SECONDS | `512`, `30` | processor sizing (512 MB holds the worst measured peak, 382 MiB, with 25% headroom: BENCHMARKS.md) |
 * | LOGGER_MEMORY_MB, LOGGER_TIMEOUT_SECONDS | `256`, `20` | logger sizing (20 s outlasts the SDK's 3 tries of 5 s on a hung call) |
 * | PROCESSOR_RESERVED_CONCURRENCY, LOGGER_RESERVED_CONCURRENCY | unset | reserved concurrency (unset: none reserved) |
 * | TF_STATE_BUCKET, TF_STATE_KEY, TF_STATE_REGION | unset, `<stack>/terraform.tfstate`, the stack region | S3 state backend, see {@link StateBackendConfig} |
 * | LOCALSTACK_ENDPOINT | unset | e.g. `http://localhost:4566`: aim the AWS provider at LocalStack (see stacks/localstack.ts) |
 */
export interface PipelineConfig {
  /** Stage name, e.g. `dev`, `prod`, `local`. */
  readonly stage: string;
  /** Terraform stack name and prefix of every resource name. */
  readonly stackName: string;
  /** AWS region of every resource. */
  readonly region: string;
  /** Instruction set of both functions and of the bundled sharp binaries. */
  readonly architecture: LambdaArchitecture;
  /** Whether the read-only instructor IAM user (with an access key) exists. */
  readonly instructorUser: boolean;
  /** Whether bucket names end in `-<account id>` to be globally unique. */
  readonly accountIdInBucketNames: boolean;
  /** Whether `terraform destroy` may delete buckets that still hold objects. */
  readonly forceDestroyBuckets: boolean;
  /** Retention of the functions' log groups, in days. */
  readonly logRetentionDays: number;
  /** LOG_LEVEL of both functions. */
  readonly logLevel: string;
  /** Analytics data lake layout and lifecycle. */
  readonly analytics: AnalyticsConfig;
  /** Server access logging of the three pipeline buckets. */
  readonly accessLogs: AccessLogConfig;
  /** Processor limits passed to the function as environment variables. */
  readonly thumbnail: ThumbnailConfig;
  /** Image processor memory, timeout and concurrency. */
  readonly processor: FunctionSizing;
  /** Analytics logger memory, timeout and concurrency. */
  readonly logger: FunctionSizing;
  /** Where Terraform keeps the state of this stack. */
  readonly stateBackend: StateBackendConfig;
  /** LocalStack edge URL every AWS service endpoint points at; undefined targets AWS. */
  readonly localstackEndpoint?: string;
}

/** Lambda instruction set names, as the Lambda API spells them. */
export type LambdaArchitecture = "arm64" | "x86_64";

/** The accepted values of {@link LambdaArchitecture}. */
export const LAMBDA_ARCHITECTURES: readonly LambdaArchitecture[] = ["arm64", "x86_64"];

/** Layout and lifecycle of the analytics bucket. */
export interface AnalyticsConfig {
  /** Key prefix of the documents (ANALYTICS_PREFIX of the logger). */
  readonly prefix: string;
  /** Days after which objects over 128 KiB move to STANDARD_IA. */
  readonly transitionDays: number;
  /** Days after which every object is deleted. */
  readonly expirationDays: number;
  /** Days after which a version that was overwritten or deleted is removed for good. */
  readonly noncurrentVersionDays: number;
}

/** Server access logging of the uploads, thumbnails and analytics buckets. */
export interface AccessLogConfig {
  /** Whether the access-log bucket exists and the three buckets log their requests into it. */
  readonly enabled: boolean;
  /** Days after which a log object is deleted. */
  readonly expirationDays: number;
}

/** Limits of the image processor. */
export interface ThumbnailConfig {
  /** Thumbnails fit inside size x size pixels. */
  readonly size: number;
  /** Largest accepted upload, in bytes. */
  readonly maxInputBytes: number;
  /** Largest accepted upload, in pixels (width x height). */
  readonly maxInputPixels: number;
}

/** Memory, timeout and reserved concurrency of one function. */
export interface FunctionSizing {
  /** Memory in MB (128-10240). */
  readonly memoryMb: number;
  /** Timeout in seconds (1-900). */
  readonly timeoutSeconds: number;
  /** Reserved concurrent executions; undefined reserves none. */
  readonly reservedConcurrency?: number;
}

/**
 * Terraform state location. `local` keeps `terraform.<stack>.tfstate` in the
 * stack directory under cdktf.out. `s3` is chosen by setting TF_STATE_BUCKET
 * (the bucket must exist and should be versioned); TF_STATE_KEY and
 * TF_STATE_REGION refine it. The S3 backend locks with a lock file next to the
 * state object (`use_lockfile`, S3 conditional writes, Terraform 1.10 or
 * later), so no DynamoDB lock table is needed.
 */
export type StateBackendConfig =
  | { readonly kind: "local" }
  | {
      readonly kind: "s3";
      /** Existing bucket that holds the state. */
      readonly bucket: string;
      /** Object key of the state file. */
      readonly key: string;
      /** Region of the state bucket. */
      readonly region: string;
    };

/** CloudWatch Logs accepts only these retention periods (0, never expire, is left out). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"];
const STACK_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,37}[a-z0-9])?$/;
const STAGE_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX_PATTERN = /^[A-Za-z0-9!_.*'()-]+(?:\/[A-Za-z0-9!_.*'()-]+)*$/;

/** The stage that the embedded local mode synthesizes. */
export const LOCAL_STAGE = "local";

/** Stages treated as production: buckets there are never force-destroyed by default. */
export const PRODUCTION_STAGES: readonly string[] = ["prod", "production"];

/**
 * Reads the pipeline configuration from environment variables (see
 * {@link PipelineConfig} for the table) and validates every value.
 *
 * @param env variables to read, `process.env` by default
 * @param hostArch Node's name of this machine's CPU, used for the `local` stage
 * @throws ConfigError naming the variable and the accepted values
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  hostArch: string = process.arch
): PipelineConfig {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();

    return value === undefined || value === "" ? undefined : value;
  };

  const stage = read("STAGE") ?? "dev";
  if (!STAGE_PATTERN.test(stage)) {
    throw new ConfigError("STAGE", `"${stage}" must use only a-z, 0-9 and inner '-'`);
  }
  const isLocal = stage === LOCAL_STAGE;

  const stackName = read("STACK_NAME") ?? `activity4-image-pipeline-${stage}`;
  if (!STACK_NAME_PATTERN.test(stackName)) {
    const setting = read("STACK_NAME") === undefined ? "STAGE" : "STACK_NAME";
    throw new ConfigError(
      setting,
      `stack name "${stackName}" must be 1-39 characters of a-z, 0-9 and inner '-' ` +
        "(it prefixes S3 bucket names, which are lower case and at most 63 long)"
    );
  }

  const regionSetting = read("PIPELINE_REGION") !== undefined ? "PIPELINE_REGION" : "AWS_REGION";
  const region = read(regionSetting) ?? "ap-south-1";
  if (!REGION_PATTERN.test(region)) {
    throw new ConfigError(regionSetting, `"${region}" is not an AWS region name like ap-south-1`);
  }

  const archValue = read("LAMBDA_ARCH");
  const architecture =
    archValue === undefined
      ? isLocal
        ? hostLambdaArchitecture(hostArch)
        : "arm64"
      : parseArchitecture("LAMBDA_ARCH", archValue);

  const logRetentionDays = readInt(read, "LOG_RETENTION_DAYS", 14, 1, 3653);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    throw new ConfigError(
      "LOG_RETENTION_DAYS",
      `${logRetentionDays} is not a CloudWatch Logs retention; use one of ${LOG_RETENTION_DAYS.join(
        ", "
      )}`
    );
  }

  const logLevel = (read("PIPELINE_LOG_LEVEL") ?? "INFO").toUpperCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(
      "PIPELINE_LOG_LEVEL",
      `"${logLevel}" must be one of ${LOG_LEVELS.join(", ")}`
    );
  }

  const analyticsPrefix = read("ANALYTICS_PREFIX") ?? "image-events";
  if (!PREFIX_PATTERN.test(analyticsPrefix)) {
    throw new ConfigError(
      "ANALYTICS_PREFIX",
      `"${analyticsPrefix}" must be S3-safe key segments separated by '/', without a leading or trailing '/'`
    );
  }
  const transitionDays = readInt(read, "ANALYTICS_TRANSITION_DAYS", 30, 30, 36500);
  const expirationDays = readInt(read, "ANALYTICS_EXPIRATION_DAYS", 365, 1, 36500);
  if (expirationDays <= transitionDays) {
    throw new ConfigError(
      "ANALYTICS_EXPIRATION_DAYS",
      `${expirationDays} must be greater than ANALYTICS_TRANSITION_DAYS (${transitionDays})`
    );
  }

  const noncurrentVersionDays = readInt(read, "ANALYTICS_NONCURRENT_VERSION_DAYS", 7, 1, 365);

  return {
    stage,
    stackName,
    region,
    architecture,
    instructorUser: readSwitch(read, "INSTRUCTOR_USER", true),
    accountIdInBucketNames: readSwitch(read, "BUCKET_NAMES_WITH_ACCOUNT_ID", !isLocal),
    forceDestroyBuckets: readSwitch(
      read,
      "BUCKET_FORCE_DESTROY",
      !PRODUCTION_STAGES.includes(stage)
    ),
    logRetentionDays,
    logLevel,
    analytics: { prefix: analyticsPrefix, transitionDays, expirationDays, noncurrentVersionDays },
    accessLogs: {
      enabled: readSwitch(read, "ACCESS_LOGGING", true),
      expirationDays: readInt(read, "ACCESS_LOG_EXPIRATION_DAYS", 90, 1, 36500),
    },
    thumbnail: {
      size: readInt(read, "THUMBNAIL_SIZE", 128, 16, 4096),
      maxInputBytes: readInt(read, "MAX_INPUT_BYTES", 26_214_400, 1, 1_073_741_824),
      maxInputPixels: readInt(read, "MAX_INPUT_PIXELS", 40_000_000, 1, 1_000_000_000),
    },
    processor: readSizing(read, "PROCESSOR", 512, 30),
    logger: readSizing(read, "LOGGER", 256, 20),
    stateBackend: readStateBackend(read, stackName, region),
    localstackEndpoint: readLocalStackEndpoint(read),
  };
}

/**
 * Maps Node's CPU name (`process.arch`) to the Lambda architecture name.
 *
 * @throws ConfigError when Lambda has no such architecture; set LAMBDA_ARCH
 */
export function hostLambdaArchitecture(hostArch: string = process.arch): LambdaArchitecture {
  if (hostArch === "x64") return "x86_64";
  if (hostArch === "arm64") return "arm64";
  throw new ConfigError(
    "LAMBDA_ARCH",
    `this host's CPU "${hostArch}" has no Lambda equivalent; set LAMBDA_ARCH to arm64 or x86_64`
  );
}

/**
 * Validates an architecture name given on the command line or in the
 * environment.
 *
 * @param setting the flag or variable name, used in the error
 * @throws ConfigError unless the value is `arm64` or `x86_64`
 */
export function parseArchitecture(setting: string, value: string): LambdaArchitecture {
  const found = LAMBDA_ARCHITECTURES.find((arch) => arch === value);
  if (found === undefined) {
    throw new ConfigError(setting, `"${value}" must be one of ${LAMBDA_ARCHITECTURES.join(", ")}`);
  }

  return found;
}

type Reader = (name: string) => string | undefined;

function readInt(read: Reader, name: string, fallback: number, min: number, max: number): number {
  const raw = read(name);
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `"${raw}" must be a whole number from ${min} to ${max}`);
  }

  return value;
}

function readOptionalInt(read: Reader, name: string, min: number, max: number): number | undefined {
  return read(name) === undefined ? undefined : readInt(read, name, 0, min, max);
}

function readSwitch(read: Reader, name: string, fallback: boolean): boolean {
  const raw = read(name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (["on", "true", "1", "yes"].includes(raw)) return true;
  if (["off", "false", "0", "no"].includes(raw)) return false;
  throw new ConfigError(name, `"${raw}" must be one of on, off, true, false, 1, 0, yes, no`);
}

function readSizing(
  read: Reader,
  prefix: string,
  memoryMb: number,
  timeoutSeconds: number
): FunctionSizing {
  return {
    memoryMb: readInt(read, `${prefix}_MEMORY_MB`, memoryMb, 128, 10240),
    timeoutSeconds: readInt(read, `${prefix}_TIMEOUT_SECONDS`, timeoutSeconds, 1, 900),
    reservedConcurrency: readOptionalInt(read, `${prefix}_RESERVED_CONCURRENCY`, 1, 100000),
  };
}

function readStateBackend(read: Reader, stackName: string, region: string): StateBackendConfig {
  const bucket = read("TF_STATE_BUCKET");
  if (bucket === undefined) {
    for (const name of ["TF_STATE_KEY", "TF_STATE_REGION"]) {
      if (read(name) !== undefined) {
        throw new ConfigError(
          name,
          "is set but TF_STATE_BUCKET is not; set TF_STATE_BUCKET to use the S3 backend"
        );
      }
    }

    return { kind: "local" };
  }
  if (!BUCKET_PATTERN.test(bucket)) {
    throw new ConfigError("TF_STATE_BUCKET", `"${bucket}" is not a valid S3 bucket name`);
  }
  const stateRegion = read("TF_STATE_REGION") ?? region;
  if (!REGION_PATTERN.test(stateRegion)) {
    throw new ConfigError(
      "TF_STATE_REGION",
      `"${stateRegion}" is not an AWS region name like ap-south-1`
    );
  }
  const key = read("TF_STATE_KEY") ?? `${stackName}/terraform.tfstate`;
  if (key.startsWith("/") || key.endsWith("/")) {
    throw new ConfigError("TF_STATE_KEY", `"${key}" must not start or end with '/'`);
  }

  return { kind: "s3", bucket, key, region: stateRegion };
}

function readLocalStackEndpoint(read: Reader): string | undefined {
  const endpoint = readEndpoint(read, "LOCALSTACK_ENDPOINT");
  if (endpoint !== undefined && read("TF_STATE_BUCKET") !== undefined) {
    // The backend block takes no provider endpoints: the state would go to AWS.
    throw new ConfigError(
      "LOCALSTACK_ENDPOINT",
      "cannot be combined with TF_STATE_BUCKET, whose S3 backend would keep the state in AWS; unset TF_STATE_BUCKET"
    );
  }

  return endpoint;
}

function readEndpoint(read: Reader, name: string): string | undefined {
  const raw = read(name);
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || !["http:", "https:"].includes(url.protocol) || url.search || url.hash) {
    throw new ConfigError(name, `"${raw}" must be an http(s) URL such as http://localhost:4566`);
  }

  return raw.replace(/\/+$/, "");
}
