import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../../stacks/app";
import { loadConfig } from "../../stacks/config";

/** A block of the synthesized Terraform JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Terraform JSON is untyped by nature
export type Block = Record<string, any>;

/** The synthesized Terraform JSON of one stack. */
export interface TerraformJson {
  readonly terraform: Block;
  readonly provider: Record<string, Block[]>;
  readonly resource: Record<string, Record<string, Block>>;
  readonly data: Record<string, Record<string, Block>>;
  readonly output: Record<string, Block>;
}

/** One resource or data source found in the JSON. */
export interface Found {
  /** Whether it is a data source. */
  readonly isData: boolean;
  /** Terraform type, e.g. `aws_s3_bucket`. */
  readonly type: string;
  /** Logical id, e.g. `uploads_bucket_556152F0`. */
  readonly key: string;
  /** Its arguments. */
  readonly block: Block;
}

/**
 * Synthesizes the pipeline stack the way `npm run synth` does, into a
 * temporary folder, for a set of environment variables (nothing of the test
 * process's own environment leaks in), and returns its cdk.tf.json.
 */
export function synthPipeline(env: Record<string, string> = {}, hostArch = "x64"): TerraformJson {
  const outdir = synthToDir(env, hostArch);
  try {
    const config = loadConfig(env, hostArch);

    return JSON.parse(
      readFileSync(join(outdir, "stacks", config.stackName, "cdk.tf.json"), "utf8")
    ) as TerraformJson;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Synthesizes into a new temporary folder and returns it; the caller removes it. */
export function synthToDir(env: Record<string, string> = {}, hostArch = "x64"): string {
  const outdir = mkdtempSync(join(tmpdir(), "pipeline-synth-"));
  buildApp(loadConfig(env, hostArch), { outdir }).app.synth();

  return outdir;
}

/** Every block of a type, resources or (with `data.` prefix) data sources. */
export function allOf(json: TerraformJson, type: string): Found[] {
  const isData = type.startsWith("data.");
  const [group, name] = isData ? [json.data, type.slice(5)] : [json.resource, type];

  return Object.entries(group?.[name] ?? {}).map(([key, block]) => ({
    isData,
    type: name,
    key,
    block,
  }));
}

/**
 * The one block of a type whose construct path ends with `pathSuffix`
 * (e.g. `uploads/bucket`), failing loudly if there is not exactly one.
 */
export function byPath(json: TerraformJson, type: string, pathSuffix: string): Found {
  const matches = allOf(json, type).filter((found) =>
    String(found.block["//"]?.metadata?.path ?? "").endsWith(`/${pathSuffix}`)
  );
  if (matches.length !== 1) {
    throw new Error(`expected one ${type} at .../${pathSuffix}, found ${matches.length}`);
  }

  return matches[0];
}

/** The Terraform reference to an attribute, e.g. `${aws_s3_bucket.x.arn}`. */
export function ref(found: Found, attribute: string): string {
  return `\${${found.isData ? "data." : ""}${found.type}.${found.key}.${attribute}}`;
}

/** The Terraform address of a resource, as written in `depends_on`. */
export function address(found: Found): string {
  return `${found.isData ? "data." : ""}${found.type}.${found.key}`;
}

/** Parses a policy argument (a JSON string) of a resource. */
export function policyOf(
  found: Found,
  argument = "policy"
): { Version: string; Statement: Block[] } {
  return JSON.parse(found.block[argument] as string) as { Version: string; Statement: Block[] };
}
