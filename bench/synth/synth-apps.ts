import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

import { ROOT } from "../lib/work-dir";

/** A generated cdktf project folder that `cdktf synth` can run. */
export interface SynthApp {
  readonly dir: string;
  /** The app's main.ts, also runnable without the CLI. */
  readonly main: string;
}

function writeApp(dir: string, projectId: string, main: string): SynthApp {
  mkdirSync(dir, { recursive: true });
  // The same settings as the project's own cdktf.json; `npx tsx` stands in
  // for the template's `npx ts-node`, which is not a dependency.
  const cdktfJson = {
    language: "typescript",
    app: "npx tsx main.ts",
    projectId,
    sendCrashReports: "false",
    terraformProviders: [],
    terraformModules: [],
    context: {},
  };
  writeFileSync(join(dir, "cdktf.json"), `${JSON.stringify(cdktfJson, null, 2)}\n`);
  writeFileSync(join(dir, "main.ts"), main);

  return { dir, main: join(dir, "main.ts") };
}

function stacksImport(dir: string): string {
  return relative(dir, join(ROOT, "stacks")).split("\\").join("/");
}

/**
 * The project's app for the cdktf CLI: the same main.ts as the project's
 * (deep provider imports), so that only the CLI differs from the in-process
 * synth.
 */
export function writeCliApp(dir: string): SynthApp {
  const stacks = stacksImport(dir);

  return writeApp(
    dir,
    "bench-cli",
    `import { buildApp } from "${stacks}/app";
import { loadConfig } from "${stacks}/config";

buildApp(loadConfig(process.env)).app.synth();
`
  );
}

/**
 * The naive app: the provider packages imported through their barrels
 * (\`import * as aws\`), which loads every one of the provider's ~2,200
 * resource modules, then the same stack. The barrels are used, so that no
 * compiler can drop the imports; the stack's own deep imports then resolve
 * to modules the barrels already loaded, so the resources are identical.
 */
export function writeNaiveApp(dir: string): SynthApp {
  const stacks = stacksImport(dir);

  return writeApp(
    dir,
    "bench-naive",
    `import * as aws from "@cdktf/provider-aws";
import * as archive from "@cdktf/provider-archive";

import { buildApp } from "${stacks}/app";
import { loadConfig } from "${stacks}/config";

const loaded = Object.keys(aws).length + Object.keys(archive).length;
if (loaded === 0) throw new Error("the provider barrels exported nothing");
buildApp(loadConfig(process.env)).app.synth();
`
  );
}
