/**
 * Child process of the thumbnail bench: times one sharp variant on one input,
 * in process, after warm-up, and writes the last thumbnail to a file.
 * Usage: sharp-runner.ts <input> <variant> <iterations> <warm-up> <output>
 * Prints `{"timesMs":[...],"cpuMs":[...],"bytes":n}` on stdout: wall time and
 * CPU time (all threads of the process) of each timed thumbnail.
 */
import { readFileSync, writeFileSync } from "node:fs";

import sharp from "sharp";

import { SHARP_VARIANTS } from "./sharp-variants";

async function main(): Promise<void> {
  const [inputPath, name, iterations, warmUp, outputPath] = process.argv.slice(2);
  const variant = SHARP_VARIANTS.find((candidate) => candidate.name === name);
  if (!variant) throw new Error(`unknown sharp variant "${name}"`);
  // One libvips worker thread: the figure is for one core.
  sharp.concurrency(1);
  sharp.cache(false);
  const input = readFileSync(inputPath);

  let output: Buffer = Buffer.alloc(0);
  for (let i = 0; i < Number(warmUp); i += 1) output = await variant.run(input);
  const timesMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < Number(iterations); i += 1) {
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    output = await variant.run(input);
    timesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000);
  }
  writeFileSync(outputPath, output);
  process.stdout.write(`${JSON.stringify({ timesMs, cpuMs, bytes: output.length })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
