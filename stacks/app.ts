import { App } from "./cdktf";
import type { PipelineConfig } from "./config";
import { applyLocalStackTarget } from "./localstack";
import { PipelineStack } from "./pipeline-stack";

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** Output folder; default: CDKTF_OUTDIR set by the cdktf CLI, else `cdktf.out`. */
  readonly outdir?: string;
}

/**
 * Builds the CDKTF app with the one pipeline stack of the given config. Stack
 * traces are left out of the metadata: they cost time and would put absolute
 * paths of this machine into the Terraform JSON.
 */
export function buildApp(
  config: PipelineConfig,
  options: BuildAppOptions = {}
): { app: App; stack: PipelineStack } {
  const app = new App({ outdir: options.outdir, stackTraces: false });
  const stack = new PipelineStack(app, config);
  applyLocalStackTarget(stack, config.localstackEndpoint);

  return { app, stack };
}
