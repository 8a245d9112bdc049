import { existsSync, readFileSync } from "node:fs";
import { dataJsonFromOutputs, DataJsonError } from "./data-json";

/** Raised when verify cannot tell which stack to check, or how to reach it. */
export class VerifyTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VerifyTargetError";
  }
}

/** Endpoints and keys of a running local mode, from its local-endpoints.json. */
export interface LocalTarget {
  /** Process that serves the emulators. */
  readonly pid?: number;
  readonly endpoints: { readonly s3: string; readonly dynamodb: string };
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** The stack verify checks: where to upload, where to look, and how to reach it. */
export interface VerifyTarget {
  /** Where the settings came from, for the report. */
  readonly source: string;
  readonly region: string;
  readonly uploadsBucket: string;
  readonly thumbnailsBucket: string;
  readonly analyticsBucket: string;
  readonly jobsTable: string;
  /** Key prefix of the analytics documents (ANALYTICS_PREFIX of the logger). */
  readonly analyticsPrefix: string;
  /** Set for a local-mode target; undefined means AWS itself. */
  readonly local?: LocalTarget;
}

/** Which file names the target: exactly one of these is read. */
export interface TargetSource {
  /** data.json as `npm run data-json` writes it. */
  readonly dataJson?: string;
  /** `terraform output -json`, or a cdktf outputs file. */
  readonly outputs?: string;
  /** `<out>/run/local-endpoints.json` of `npm start -- --keep-running`. */
  readonly local?: string;
}

/** Overrides and context for {@link loadVerifyTarget}. */
export interface TargetOptions {
  /** Stack name, to find its entry in a cdktf outputs file. */
  readonly stackName: string;
  /** ANALYTICS_PREFIX when the stack does not use the default. */
  readonly analyticsPrefix?: string;
}

const DEFAULT_ANALYTICS_PREFIX = "image-events";
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
const REQUIRED = [
  "aws_region",
  "uploads_bucket",
  "thumbnails_bucket",
  "analytics_bucket",
  "jobs_table",
] as const;

function readJson(path: string, what: string, hint: string): unknown {
  if (!existsSync(path)) throw new VerifyTargetError(`${what} ${path} does not exist; ${hint}`);
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new VerifyTargetError(`${what} ${path} is not valid JSON (${(error as Error).message})`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function fromOutputs(
  values: Record<string, unknown>,
  source: string,
  hint: string,
  analyticsPrefix: string
): Omit<VerifyTarget, "local"> {
  const missing = REQUIRED.filter(
    (name) => typeof values[name] !== "string" || values[name] === ""
  );
  if (missing.length > 0) {
    throw new VerifyTargetError(`${source} lacks ${missing.join(", ")}; ${hint}`);
  }
  const placeholders = REQUIRED.filter((name) => /^<.*>$/.test(values[name] as string));
  if (placeholders.length > 0) {
    throw new VerifyTargetError(
      `${source} still holds placeholders (${placeholders.join(", ")}): deploy the stack and ` +
        "run `npm run data-json`, or pass --outputs <file> or --local <local-endpoints.json>"
    );
  }
  const value = (name: (typeof REQUIRED)[number]) => values[name] as string;

  return {
    source,
    region: value("aws_region"),
    uploadsBucket: value("uploads_bucket"),
    thumbnailsBucket: value("thumbnails_bucket"),
    analyticsBucket: value("analytics_bucket"),
    jobsTable: value("jobs_table"),
    analyticsPrefix,
  };
}

function loopbackUrl(value: unknown, field: string, path: string): string {
  let url: URL | undefined;
  try {
    url = typeof value === "string" ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || url.protocol !== "http:" || !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new VerifyTargetError(
      `${path}: ${field} must be an http URL on this machine (127.0.0.1 or localhost), got ${JSON.stringify(
        value
      )}`
    );
  }

  return value as string;
}

function fromLocalFile(path: string, prefixOverride?: string): VerifyTarget {
  const document = readJson(
    path,
    "local endpoints file",
    "start local mode with `npm start -- --keep-running` and pass the file it names"
  );
  if (!isRecord(document) || !isRecord(document.outputs) || !isRecord(document.endpoints)) {
    throw new VerifyTargetError(
      `${path} is not a local-endpoints.json (no outputs or endpoints object)`
    );
  }
  const credentials = isRecord(document.credentials) ? document.credentials : {};
  if (
    typeof credentials.accessKeyId !== "string" ||
    typeof credentials.secretAccessKey !== "string"
  ) {
    throw new VerifyTargetError(
      `${path}: credentials.accessKeyId and secretAccessKey are required`
    );
  }
  const prefix =
    prefixOverride ??
    (typeof document.analyticsPrefix === "string" ? document.analyticsPrefix : undefined) ??
    DEFAULT_ANALYTICS_PREFIX;

  return {
    ...fromOutputs(
      document.outputs,
      path,
      "was it written by `npm start -- --keep-running`?",
      prefix
    ),
    local: {
      pid: typeof document.pid === "number" ? document.pid : undefined,
      endpoints: {
        s3: loopbackUrl(document.endpoints.s3, "endpoints.s3", path),
        dynamodb: loopbackUrl(document.endpoints.dynamodb, "endpoints.dynamodb", path),
      },
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
      },
    },
  };
}

/**
 * Reads the stack to verify from data.json, a Terraform or cdktf outputs
 * file, or a local mode's endpoints file (exactly one).
 *
 * @throws VerifyTargetError naming the file, what is missing and what to run
 */
export function loadVerifyTarget(source: TargetSource, options: TargetOptions): VerifyTarget {
  const given = (["dataJson", "outputs", "local"] as const).filter((name) => source[name]);
  if (given.length !== 1) {
    throw new VerifyTargetError(
      `give exactly one of data.json, --outputs <file> and --local <file> (got ${given.length})`
    );
  }
  const prefix = options.analyticsPrefix ?? DEFAULT_ANALYTICS_PREFIX;

  if (source.local) return fromLocalFile(source.local, options.analyticsPrefix);
  if (source.outputs) {
    const document = readJson(
      source.outputs,
      "outputs file",
      "write it with `terraform output -json > outputs.json` in cdktf.out/stacks/<stack>"
    );
    try {
      const { data } = dataJsonFromOutputs(document, options.stackName);

      return fromOutputs(data, source.outputs, "", prefix);
    } catch (error) {
      if (error instanceof DataJsonError) {
        throw new VerifyTargetError(`${source.outputs}: ${error.message}`);
      }
      throw error;
    }
  }
  const document = readJson(
    source.dataJson!,
    "data.json",
    "deploy the stack and run `npm run data-json`, or pass --outputs or --local"
  );
  if (!isRecord(document)) throw new VerifyTargetError(`${source.dataJson} is not a JSON object`);

  return fromOutputs(document, source.dataJson!, "run `npm run data-json` again", prefix);
}

/**
 * The URL an anonymous client reads an object at: virtual-hosted on AWS
 * (path-style when the bucket name has dots, which the wildcard certificate
 * does not cover), path-style on a local endpoint.
 */
export function publicObjectUrl(target: VerifyTarget, bucket: string, key: string): string {
  const path = key.split("/").map(encodeURIComponent).join("/");
  if (target.local) return `${target.local.endpoints.s3.replace(/\/+$/, "")}/${bucket}/${path}`;
  if (bucket.includes(".")) return `https://s3.${target.region}.amazonaws.com/${bucket}/${path}`;

  return `https://${bucket}.s3.${target.region}.amazonaws.com/${path}`;
}

/**
 * The environment that aims this process's AWS SDK clients at a local
 * target through the SDK's standard variables, with the emulators' keys and
 * the checksum setting the S3 emulator needs. Empty for AWS.
 */
export function localSdkEnvironment(target: VerifyTarget): Record<string, string> {
  if (!target.local) return {};

  return {
    AWS_ENDPOINT_URL_S3: target.local.endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: target.local.endpoints.dynamodb,
    AWS_ACCESS_KEY_ID: target.local.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: target.local.credentials.secretAccessKey,
    AWS_REGION: target.region,
    AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
    AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
  };
}
