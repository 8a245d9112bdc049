import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";

/** Changes a scenario makes to a copy of the synthesized stack. */
export interface StackChanges {
  /** Every function's timeout, in seconds, so that a held connection ends in test time. */
  readonly functionTimeoutSeconds?: number;
}

type Json = Record<string, unknown>;

/**
 * Writes a copy of a synthesized `cdk.tf.json` into `dir` with `changes`
 * applied, and returns its path. The archives' `source_dir` paths are made
 * absolute, since they are relative to the original stack folder.
 */
export function writeStackVariant(
  stackJsonPath: string,
  dir: string,
  changes: StackChanges,
): string {
  const document = JSON.parse(readFileSync(stackJsonPath, "utf8")) as Json;
  const stackDir = dirname(stackJsonPath);
  const data = (document.data ?? {}) as Record<string, Record<string, Json>>;
  for (const archive of Object.values(data.archive_file ?? {})) {
    const source = archive.source_dir;
    if (typeof source !== "string") continue;
    const relative = source.replace(/^\$\{path\.(module|root)\}\/?/, "");
    archive.source_dir = isAbsolute(relative) ? relative : resolve(stackDir, relative);
  }
  const resources = (document.resource ?? {}) as Record<string, Record<string, Json>>;
  if (changes.functionTimeoutSeconds !== undefined) {
    if (!(changes.functionTimeoutSeconds > 0)) {
      throw new Error(
        `functionTimeoutSeconds must be a positive number, got ${changes.functionTimeoutSeconds}`,
      );
    }
    for (const fn of Object.values(resources.aws_lambda_function ?? {})) {
      fn.timeout = changes.functionTimeoutSeconds;
    }
  }
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "cdk.tf.json");
  writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);

  return path;
}
