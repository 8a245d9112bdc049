import type { Block, TerraformJson } from "../../stacks/synth-helper";

/** One resource, data source or output of a synthesized stack. */
export interface StackResource {
  /** Terraform type (`aws_s3_bucket`), `data.<type>` for data sources, `output` for outputs. */
  readonly type: string;
  /** Logical id, or the output's name. */
  readonly key: string;
  /** Construct path below the stack (`thumbnails/bucket`) or `output/<name>`; alike in all stages. */
  readonly path: string;
  /** Terraform address, as references and `depends_on` name it. */
  readonly address: string;
  readonly config: Block;
}

const REFERENCE = /^\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)\.[a-z_]+\}$/;

/** The resources of one synthesized stack, and how they reference each other. */
export class StackIndex {
  readonly resources: readonly StackResource[];
  private readonly byAddress: ReadonlyMap<string, StackResource>;

  constructor(readonly json: TerraformJson) {
    const found: StackResource[] = [];
    const add = (group: Record<string, Record<string, Block>> | undefined, prefix: string) => {
      for (const [type, blocks] of Object.entries(group ?? {})) {
        for (const [key, config] of Object.entries(blocks)) {
          const fullPath = String(config["//"]?.metadata?.path ?? key);
          found.push({
            type: `${prefix}${type}`,
            key,
            path: fullPath.split("/").slice(1).join("/") || key,
            address: `${prefix}${type}.${key}`,
            config,
          });
        }
      }
    };
    add(json.resource, "");
    add(json.data, "data.");
    for (const [name, config] of Object.entries(json.output ?? {})) {
      found.push({
        type: "output",
        key: name,
        path: `output/${name}`,
        address: `output.${name}`,
        config,
      });
    }
    this.resources = found;
    this.byAddress = new Map(found.map((resource) => [resource.address, resource]));
  }

  /** Every resource of a type. */
  ofType(type: string): StackResource[] {
    return this.resources.filter((resource) => resource.type === type);
  }

  /** The resource a whole-value reference such as `${aws_s3_bucket.x.id}` points at. */
  referenced(value: unknown): StackResource | undefined {
    const match = typeof value === "string" ? REFERENCE.exec(value) : null;

    return match ? this.byAddress.get(match[1]) : undefined;
  }

  /** Resources of `type` whose `field` references `target`. */
  referencing(type: string, field: string, target: StackResource): StackResource[] {
    return this.ofType(type).filter(
      (resource) => this.referenced(resource.config[field]) === target,
    );
  }
}

/** A nested Terraform block, written by CDKTF as an object or a one-element list. */
export function single(value: unknown): Block | undefined {
  const first = Array.isArray(value) ? value[0] : value;

  return typeof first === "object" && first !== null ? (first as Block) : undefined;
}

/** A repeated Terraform block as a list, whichever way it was written. */
export function many(value: unknown): Block[] {
  if (Array.isArray(value))
    return value.filter((v): v is Block => typeof v === "object" && v !== null);

  return typeof value === "object" && value !== null ? [value as Block] : [];
}
