import type { LambdaArchitecture } from "./config";

/**
 * The functions of the pipeline, by the name of their entry file in
 * `handlers/` and of their build folder in `dist/<arch>/`.
 */
export const PIPELINE_FUNCTIONS = ["image-processor", "analytics-logger"] as const;

/** One of {@link PIPELINE_FUNCTIONS}. */
export type PipelineFunctionId = (typeof PIPELINE_FUNCTIONS)[number];

/** Build output folder of one function, relative to the repository root. */
export function functionDistDir(arch: LambdaArchitecture, fn: PipelineFunctionId): string {
  return `dist/${arch}/${fn}`;
}

/**
 * The repository root seen from a synthesized stack directory
 * (`cdktf.out/stacks/<stack>/`), where Terraform runs. Paths in the Terraform
 * JSON are relative to that directory, never absolute paths of the machine
 * that synthesized them, so a plan works from any checkout.
 */
export const STACK_DIR_TO_ROOT = "../../..";

/** {@link STACK_DIR_TO_ROOT} as a Terraform expression, for resource arguments. */
export const ROOT_FROM_MODULE = `\${path.module}/${STACK_DIR_TO_ROOT}`;
