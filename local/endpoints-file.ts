import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { EMULATOR_CREDENTIALS } from "./emulators";
import { LocalPipeline } from "./pipeline";

/** File name, under the run folder, of {@link LocalEndpointsFile}. */
export const LOCAL_ENDPOINTS_FILE = "local-endpoints.json";

/**
 * What `npm start -- --keep-running` writes to `<out>/run/local-endpoints.json`
 * while the emulators are up, so that other tools (`npm run verify -- --local`,
 * scripts, the aws CLI) can reach them. `outputs` uses the stack's output
 * names, as data.json does.
 */
export interface LocalEndpointsFile {
  readonly schemaVersion: 1;
  /** Process that serves the emulators; SIGINT stops it. */
  readonly pid: number;
  readonly region: string;
  readonly endpoints: {
    readonly s3: string;
    readonly dynamodb: string;
    readonly sns: string;
    readonly sqs: string;
  };
  /** The emulators' fixed key pair; not a secret. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly outputs: {
    readonly stack_name: string;
    readonly aws_region: string;
    readonly uploads_bucket: string;
    readonly thumbnails_bucket: string;
    readonly analytics_bucket: string;
    readonly jobs_table: string;
    readonly sns_topic_arn: string;
  };
  /** ANALYTICS_PREFIX of the analytics logger, when the stack sets it literally. */
  readonly analyticsPrefix?: string;
}

/** Describes a running local pipeline as a {@link LocalEndpointsFile}. */
export function describeEndpoints(pipeline: LocalPipeline, pid = process.pid): LocalEndpointsFile {
  const { outputs } = pipeline;
  const prefix = pipeline.model.functions
    .map((fn) => fn.environment.ANALYTICS_PREFIX)
    .find((value) => typeof value === "string" && !value.includes("${"));

  return {
    schemaVersion: 1,
    pid,
    region: outputs.region,
    endpoints: { ...pipeline.endpoints },
    // Copied field by field: the SDK annotates the shared credentials object it was given.
    credentials: {
      accessKeyId: EMULATOR_CREDENTIALS.accessKeyId,
      secretAccessKey: EMULATOR_CREDENTIALS.secretAccessKey,
    },
    outputs: {
      stack_name: outputs.stackName,
      aws_region: outputs.region,
      uploads_bucket: outputs.uploadsBucket,
      thumbnails_bucket: outputs.thumbnailsBucket,
      analytics_bucket: outputs.analyticsBucket,
      jobs_table: outputs.jobsTable,
      sns_topic_arn: outputs.topicArn,
    },
    ...(prefix === undefined ? {} : { analyticsPrefix: prefix }),
  };
}

/** Writes {@link describeEndpoints} into `workDir` and returns the file's path. */
export function writeEndpointsFile(pipeline: LocalPipeline, workDir: string): string {
  const path = join(workDir, LOCAL_ENDPOINTS_FILE);
  writeFileSync(path, `${JSON.stringify(describeEndpoints(pipeline), null, 2)}\n`);

  return path;
}
