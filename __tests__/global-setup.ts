import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { prepareLocalStack } from "../local/prepare-stack";

/**
 * Bundles the handlers and synthesizes the local stage once, before any suite
 * runs, so that suites which start local mode share one build instead of
 * rewriting dist/ and cdktf.out/ under each other when jest runs them in
 * parallel. Suites read the path from LOCAL_STACK_JSON.
 *
 * Every temporary file of the run, the suites' and the processes' they start,
 * goes below one folder that `global-teardown.ts` removes.
 */
export default function globalSetup(): void {
  process.env.TMPDIR = mkdtempSync(join(tmpdir(), "image-pipeline-tests-"));
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  process.env.LOCAL_STACK_JSON = prepareLocalStack(resolve(__dirname, ".."));
}
