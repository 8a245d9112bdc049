import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

import { measureProcess, type ProcessMeasurement } from "../lib/measure-process";
import { type Summary, summarize } from "../lib/stats";
import { ROOT, WORK } from "../lib/work-dir";
import { writeCliApp, writeNaiveApp } from "./synth-apps";

/** How often each way of synthesizing runs. */
export interface SynthBenchOptions {
  /** Timed rounds; every variant runs once per round, after one warm-up run each. */
  readonly rounds: number;
}

/** One way of synthesizing the stack and what it cost. */
export interface SynthRow {
  readonly name: string;
  readonly command: string;
  readonly wall: Summary;
  readonly cpu?: Summary;
  /** Kernel peak RSS of the largest process of the tree. */
  readonly maxRss?: Summary;
  /** Sampled peak of the summed RSS of the tree (every 25 ms). */
  readonly treeRss?: Summary;
  /** SHA-256 of the synthesized cdk.tf.json, to show all rows made the same stack. */
  readonly stackHash: string;
  readonly resources: number;
}

/** The synth section's figures. */
export interface SynthResult {
  readonly stage: string;
  readonly stackName: string;
  readonly rows: readonly SynthRow[];
  readonly options: SynthBenchOptions;
}

interface Variant {
  readonly name: string;
  readonly command: string;
  readonly cwd: string;
  readonly argv: readonly string[];
  /** Where this variant's cdk.tf.json ends up. */
  readonly outdir: string;
}

const STAGE = "dev";
const STACK_NAME = `activity4-image-pipeline-${STAGE}`;

function variants(dir: string): Variant[] {
  const tsx = join(ROOT, "node_modules", ".bin", "tsx");
  const cdktf = join(ROOT, "node_modules", ".bin", "cdktf");
  const inProcess = join(__dirname, "synth-in-process.ts");
  const cliApp = writeCliApp(join(dir, "cli-app"));
  const naiveApp = writeNaiveApp(join(dir, "naive-app"));

  return [
    {
      name: "ours: in process (scripts/synth.ts path)",
      command: "node --import tsx <synth in process>",
      cwd: ROOT,
      argv: [process.execPath, "--import", "tsx", inProcess, join(dir, "out-node")],
      outdir: join(dir, "out-node"),
    },
    {
      name: "ours through the tsx CLI (as `npm run synth` starts it)",
      command: "tsx <synth in process>",
      cwd: ROOT,
      argv: [tsx, inProcess, join(dir, "out-tsx")],
      outdir: join(dir, "out-tsx"),
    },
    {
      name: "our app through the cdktf CLI (deep imports)",
      command: "cdktf synth (app: npx tsx main.ts)",
      cwd: cliApp.dir,
      argv: [cdktf, "synth"],
      outdir: join(cliApp.dir, "cdktf.out"),
    },
    {
      name: "provider barrels, in process, no CLI",
      command: "node --import tsx <naive main.ts>",
      cwd: naiveApp.dir,
      argv: [process.execPath, "--import", "tsx", naiveApp.main],
      outdir: join(naiveApp.dir, "cdktf.out"),
    },
    {
      name: "naive: cdktf CLI + `import * as aws` barrels",
      command: "cdktf synth (app: npx tsx main.ts, barrels)",
      cwd: naiveApp.dir,
      argv: [cdktf, "synth"],
      outdir: join(naiveApp.dir, "cdktf.out"),
    },
  ];
}

function stackFile(outdir: string): string {
  return join(outdir, "stacks", STACK_NAME, "cdk.tf.json");
}

/**
 * Synthesizes the full stack (stage dev: every resource, instructor user
 * included) in five ways, interleaved round by round, and checks that each
 * wrote the same Terraform JSON.
 */
export async function runSynthBench(
  options: SynthBenchOptions,
  log: (line: string) => void
): Promise<SynthResult> {
  const dir = join(WORK, "synth");
  rmSync(dir, { recursive: true, force: true });
  const list = variants(dir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STAGE,
    CHECKPOINT_DISABLE: "1",
    TF_CLI_CONFIG_FILE: join(ROOT, "terraform.rc"),
  };
  delete env.CDKTF_OUTDIR;
  delete env.STACK_NAME;

  const runs: ProcessMeasurement[][] = list.map(() => []);
  for (let round = 0; round <= options.rounds; round += 1) {
    log(round === 0 ? "  warm-up round" : `  round ${round}/${options.rounds}`);
    for (const [index, variant] of list.entries()) {
      rmSync(variant.outdir, { recursive: true, force: true });
      const measured = await measureProcess(variant.argv[0], variant.argv.slice(1), {
        cwd: variant.cwd,
        env,
      });
      if (round > 0) runs[index].push(measured);
    }
  }

  const rows = list.map((variant, index): SynthRow => {
    const file = stackFile(variant.outdir);
    if (!existsSync(file)) throw new Error(`${variant.name} wrote no ${file}`);
    const text = readFileSync(file);
    const document = JSON.parse(text.toString("utf8")) as { resource?: Record<string, object> };
    const resources = Object.values(document.resource ?? {}).reduce(
      (sum, byName) => sum + Object.keys(byName).length,
      0
    );
    const values = (pick: (m: ProcessMeasurement) => number | undefined) => {
      const picked = runs[index].map(pick).filter((v): v is number => v !== undefined);

      return picked.length > 0 ? summarize(picked) : undefined;
    };

    return {
      name: variant.name,
      command: variant.command,
      wall: summarize(runs[index].map((m) => m.wallMs)),
      cpu: values((m) => m.cpuMs),
      maxRss: values((m) => m.maxRssBytes),
      treeRss: values((m) => m.treeRssBytes),
      stackHash: createHash("sha256").update(text).digest("hex"),
      resources,
    };
  });

  return { stage: STAGE, stackName: STACK_NAME, rows, options };
}
