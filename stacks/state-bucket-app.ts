import { App } from "./cdktf";
import { applyLocalStackTarget } from "./localstack";
import type { StateBucketConfig } from "./state-bucket-config";
import { StateBucketStack } from "./state-bucket-stack";

/**
 * Builds the CDKTF app of the bootstrap stack alone (`STACK=bootstrap` or
 * `npm run bootstrap`), without stack traces in the metadata, like the
 * pipeline app.
 */
export function buildStateBucketApp(
  config: StateBucketConfig,
  options: { readonly outdir?: string } = {}
): { app: App; stack: StateBucketStack } {
  const app = new App({ outdir: options.outdir, stackTraces: false });
  const stack = new StateBucketStack(app, config);
  applyLocalStackTarget(stack, config.localstackEndpoint);

  return { app, stack };
}
