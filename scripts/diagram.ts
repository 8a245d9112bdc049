/**
 * `npm run diagram [-- --check]`: synthesizes the pipeline stack with the
 * default settings (stage dev), draws it as a Mermaid flowchart and writes it
 * into README.md between `<!-- diagram:start -->` and `<!-- diagram:end -->`.
 * With --check it changes nothing and exits 1 when README's diagram is out of
 * date. Variables of this shell do not change the picture.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../stacks/app";
import { loadConfig } from "../stacks/config";
import { StackError } from "../stacks/errors";
import { parseFlags, runCli, UsageError } from "./lib/cli-args";
import { renderMermaid, type StackDocument } from "./lib/mermaid-diagram";
import { MarkerError, mermaidFence, readBlock, replaceBlock } from "./lib/readme-block";

const ROOT = join(__dirname, "..");

/** The diagram of the stack as `npm run synth` makes it with no settings. */
export function stackDiagram(): string {
  const config = loadConfig({});
  const outdir = mkdtempSync(join(tmpdir(), "diagram-synth-"));
  try {
    buildApp(config, { outdir }).app.synth();
    const path = join(outdir, "stacks", config.stackName, "cdk.tf.json");

    return renderMermaid(JSON.parse(readFileSync(path, "utf8")) as StackDocument);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runCli(() => {
    const flags = parseFlags(process.argv.slice(2), { check: "switch" });
    process.env.CHECKPOINT_DISABLE = "1";
    const readmePath = join(ROOT, "README.md");
    const readme = readFileSync(readmePath, "utf8");
    const fence = mermaidFence(stackDiagram());

    if (flags.check === "true") {
      const current = readBlock(readme) === fence;
      process.stdout.write(
        current
          ? "README.md diagram is current\n"
          : "README.md diagram is stale: run npm run diagram\n"
      );
      process.exitCode = current ? 0 : 1;

      return;
    }
    const updated = replaceBlock(readme, fence);
    if (updated !== readme) writeFileSync(readmePath, updated);
    process.stdout.write(`${updated === readme ? "unchanged" : "updated"}: README.md diagram\n`);
  }, [StackError, UsageError, MarkerError]);
}
