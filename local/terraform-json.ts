import { readFileSync } from "node:fs";

/** A resource or data block of a synthesized Terraform JSON document. */
export interface TerraformBlock {
  /** `aws_s3_bucket`, or `data.archive_file` for data sources. */
  readonly type: string;
  /** The logical name Terraform addresses it by. */
  readonly name: string;
  /** `type.name`, as written inside `${...}` references. */
  readonly address: string;
  readonly config: Record<string, unknown>;
}

/** The parts of `cdk.tf.json` that local mode reads. */
export interface TerraformDocument {
  readonly blocks: readonly TerraformBlock[];
  readonly outputs: Record<string, { value?: unknown }>;
  /** Provider configurations by provider name, each a list of blocks. */
  readonly providers: Record<string, Record<string, unknown>[]>;
}

/** Raised when the synthesized JSON holds something local mode cannot honour. */
export class LocalModeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LocalModeConfigError";
  }
}

/** Reads a synthesized `cdk.tf.json` and flattens its resources and data sources. */
export function loadTerraformJson(path: string): TerraformDocument {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new LocalModeConfigError(
      `cannot read the synthesized stack at ${path}: ${(error as Error).message}`,
    );
  }

  return parseTerraformJson(parsed);
}

/** Flattens an already parsed Terraform JSON document. */
export function parseTerraformJson(json: Record<string, unknown>): TerraformDocument {
  const blocks: TerraformBlock[] = [];
  const collect = (section: unknown, prefix: string) => {
    for (const [type, byName] of Object.entries(asRecord(section))) {
      for (const [name, config] of Object.entries(asRecord(byName))) {
        const fullType = prefix + type;
        blocks.push({
          type: fullType,
          name,
          address: `${fullType}.${name}`,
          config: asRecord(config),
        });
      }
    }
  };
  collect(json.resource, "");
  collect(json.data, "data.");

  return {
    blocks,
    outputs: asRecord(json.output) as TerraformDocument["outputs"],
    providers: Object.fromEntries(
      Object.entries(asRecord(json.provider)).map(([name, value]) => [name, asBlockList(value)]),
    ),
  };
}

const WHOLE_REFERENCE = /^\$\{([^{}]+)\}$/;
const SIMPLE_REFERENCE = /^((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)$/;

/** A Terraform reference split into the block it names and the attribute read. */
export interface Reference {
  readonly address: string;
  readonly attribute: string;
}

/** Parses `type.name.attr` (or `data.type.name.attr`); anything else is not a plain reference. */
export function parseReference(expression: string): Reference | undefined {
  const match = SIMPLE_REFERENCE.exec(expression.trim());

  return match ? { address: match[1], attribute: match[2] } : undefined;
}

/** The block a string that is exactly one `${type.name.attr}` refers to. */
export function referencedAddress(value: unknown): Reference | undefined {
  if (typeof value !== "string") return undefined;
  const match = WHOLE_REFERENCE.exec(value);

  return match ? parseReference(match[1]) : undefined;
}

/**
 * Replaces every `${type.name.attr}` in a string with what `lookup` returns.
 * Terraform functions and expressions other than plain references are not
 * evaluated here: they are reported, naming the expression and where it was met.
 */
export function interpolate(
  value: string,
  lookup: (reference: Reference) => string,
  where: string,
): string {
  let result = "";
  let index = 0;
  for (let start = value.indexOf("${"); start !== -1; start = value.indexOf("${", index)) {
    let depth = 0;
    let end = start + 2;
    for (; end < value.length; end += 1) {
      if (value[end] === "{") depth += 1;
      else if (value[end] === "}" && depth-- === 0) break;
    }
    const expression = value.slice(start + 2, end);
    const reference = end < value.length ? parseReference(expression) : undefined;
    if (!reference) {
      throw new LocalModeConfigError(
        `${where}: local mode resolves plain references only, not "\${${expression}}"`,
      );
    }
    result += value.slice(index, start) + lookup(reference);
    index = end + 1;
  }

  return result + value.slice(index);
}

/** Narrows an unknown JSON value to an object, treating anything else as empty. */
export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** Terraform JSON writes nested blocks either as one object or as a list of them. */
export function asBlockList(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.map(asRecord);

  return value === undefined || value === null ? [] : [asRecord(value)];
}
