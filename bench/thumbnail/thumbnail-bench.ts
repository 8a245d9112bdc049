import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

import sharp from "sharp";

import { type BenchImage, photo10Mp } from "../lib/bench-images";
import { type ExternalTools, findExternalTools } from "../lib/external-tools";
import { compareImages, type Quality } from "../lib/image-quality";
import { type FloatImage, lanczosResize } from "../lib/lanczos-reference";
import { measureProcess } from "../lib/measure-process";
import { asFloat, decodeFile, readPpm } from "../lib/raw-image";
import { type Summary, summarize } from "../lib/stats";
import { BENCH_CPU, IMAGES, ROOT, WORK } from "../lib/work-dir";
import { SHARP_VARIANTS, type SharpVariant } from "./sharp-variants";

/** How many times each contender is measured. */
export interface ThumbnailBenchOptions {
  /** Rounds over all contenders; interleaving them keeps drift out of the ratios. */
  readonly rounds: number;
  /** Timed thumbnails per in-process run (sharp, Pillow), after warm-up. */
  readonly iterations: number;
  readonly warmUp: number;
  /** Whole-process runs of each command-line tool per round. */
  readonly processRuns: number;
}

/** One contender's figures. */
export interface ThumbnailRow {
  readonly tool: string;
  readonly setting: string;
  /** `in-process`: per thumbnail inside a warm process; `per-process`: one whole process per thumbnail. */
  readonly timing: "in-process" | "per-process";
  /** Wall time per thumbnail. */
  readonly time: Summary;
  /** CPU time per thumbnail (user + system, every thread): what other load cannot inflate. */
  readonly cpu?: Summary;
  readonly outputBytes: number;
  readonly quality?: Quality;
  /** Output size when it is not the thumbnail size, e.g. djpeg's 1/8 decode. */
  readonly outputSize?: string;
  readonly note?: string;
  /** Not a thumbnail of the photo (a 16x16 JPEG, or decoding only): helps read the others. */
  readonly diagnostic?: boolean;
  /** The output is byte for byte the handler's: the same work, so any time difference is noise. */
  readonly sameAsHandler?: boolean;
}

/** Start-up cost of each runtime: one cold process making one thumbnail. */
export interface ColdRow {
  readonly tool: string;
  readonly time: Summary;
}

/** Everything the thumbnail section reports. */
export interface ThumbnailResult {
  readonly input: BenchImage;
  readonly thumbnailSize: string;
  readonly rows: readonly ThumbnailRow[];
  readonly cold: readonly ColdRow[];
  /** djpeg on a 16x16 JPEG: the part of its per-process time that is not decoding (wall). */
  readonly djpegStartup?: Summary;
  /** The same in CPU time. */
  readonly djpegStartupCpu?: Summary;
  readonly tools: ExternalTools;
  readonly options: ThumbnailBenchOptions;
}

interface Contender {
  readonly tool: string;
  readonly setting: string;
  readonly timing: ThumbnailRow["timing"];
  readonly output: string;
  readonly note?: string;
  readonly diagnostic?: boolean;
  /** One round: returns the times measured in it. */
  readonly measure: (options: ThumbnailBenchOptions) => Promise<Times>;
}

/** Wall and CPU times of the runs of one measurement. */
interface Times {
  readonly wallMs: number[];
  readonly cpuMs?: number[];
}

const NODE = process.execPath;
const SHARP_RUNNER = join(__dirname, "sharp-runner.ts");
const PILLOW_RUNNER = join(__dirname, "pillow_thumbnail.py");
const RUN_TIMED = join(__dirname, "run_timed.py");
/** Any Python 3 can run run_timed.py; Debian's is the one the set-up installs Pillow for. */
const PYTHON = "/usr/bin/python3";

async function inProcess(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Times> {
  const { stdout } = await measureProcess(command, args, {
    cpu: BENCH_CPU,
    sampleMs: 0,
    cwd: ROOT,
    env,
  });
  const parsed = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as {
    timesMs: number[];
    cpuMs: number[];
  };

  return { wallMs: parsed.timesMs, cpuMs: parsed.cpuMs };
}

/**
 * Runs a command `runs` times after one warm-up run, each a whole process
 * pinned to the bench CPU. With Python present, run_timed.py forks them and
 * reads each child's CPU time from wait4; otherwise only wall time is known.
 */
async function perProcess(
  runs: number,
  command: string,
  args: string[],
  env?: NodeJS.ProcessEnv
): Promise<Times> {
  if (existsSync(PYTHON)) {
    const { stdout } = await measureProcess(
      PYTHON,
      ["-I", RUN_TIMED, String(runs), command, ...args],
      { cpu: BENCH_CPU, sampleMs: 0, env }
    );
    const parsed = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as {
      timesMs: number[];
      cpuMs: number[];
    };

    return { wallMs: parsed.timesMs, cpuMs: parsed.cpuMs };
  }
  const wallMs: number[] = [];
  for (let i = 0; i <= runs; i += 1) {
    const measured = await measureProcess(command, args, { cpu: BENCH_CPU, sampleMs: 0, env });
    // The first run warms the page cache and the dynamic loader.
    if (i > 0) wallMs.push(measured.wallMs);
  }

  return { wallMs };
}

function sharpContender(
  input: string,
  output: string,
  variant: SharpVariant,
  setting = variant.description
): Contender {
  return {
    tool: "sharp",
    setting,
    timing: "in-process",
    output,
    diagnostic: variant.diagnostic || setting !== variant.description,
    measure: async (options) =>
      await inProcess(NODE, [
        "--import",
        "tsx",
        SHARP_RUNNER,
        input,
        variant.name,
        String(options.iterations),
        String(options.warmUp),
        output,
      ]),
  };
}

function pillowContender(
  python: string,
  input: string,
  output: string,
  mode: string,
  setting: string,
  diagnostic = false
): Contender {
  return {
    tool: "Pillow",
    setting,
    timing: "in-process",
    output,
    diagnostic,
    measure: async (options) =>
      await inProcess(python, [
        "-I",
        PILLOW_RUNNER,
        input,
        mode,
        String(options.iterations),
        String(options.warmUp),
        output,
      ]),
  };
}

function contenders(
  input: string,
  tiny: string,
  outDir: string,
  tools: ExternalTools
): Contender[] {
  const list: Contender[] = SHARP_VARIANTS.map((variant) =>
    sharpContender(input, join(outDir, `sharp-${variant.name}.jpg`), variant)
  );
  const samePipeline = SHARP_VARIANTS.find((variant) => variant.name === "same-pipeline");
  if (samePipeline) {
    list.push(
      sharpContender(
        tiny,
        join(outDir, "sharp-tiny.jpg"),
        samePipeline,
        `${samePipeline.description}, on a 16x16 JPEG`
      )
    );
  }

  if (tools.pillow) {
    const python = tools.pillow.path;
    const draft = "Image.thumbnail((128,128)) (draft mode), save JPEG q80";
    const pillow = (mode: string, setting: string, file = input, diagnostic = false) =>
      list.push(
        pillowContender(
          python,
          file,
          join(outDir, `pillow-${mode}${diagnostic ? "-diag" : ""}.jpg`),
          mode,
          setting,
          diagnostic
        )
      );
    pillow("draft", draft);
    pillow("exif-transpose", "ImageOps.exif_transpose() first, then the same");
    pillow("draft", `${draft}, on a 16x16 JPEG`, tiny, true);
    pillow(
      "draft-decode",
      "the 1/8 draft decode that thumbnail() asks for, no resize or encode",
      input,
      true
    );
    pillow("decode", "decode every pixel, no thumbnail", input, true);
  }

  if (tools.imagemagick) {
    const magick = tools.imagemagick.path;
    const env = { ...process.env, MAGICK_THREAD_LIMIT: "1" };
    const plain = join(outDir, "imagemagick-thumbnail.jpg");
    list.push({
      tool: "ImageMagick",
      setting: "-thumbnail 128x128 -quality 80",
      timing: "per-process",
      output: plain,
      measure: (options) =>
        perProcess(
          options.processRuns,
          magick,
          [input, "-thumbnail", "128x128", "-quality", "80", plain],
          env
        ),
    });
    const hinted = join(outDir, "imagemagick-jpeg-size.jpg");
    list.push({
      tool: "ImageMagick",
      setting: "-define jpeg:size=256x256, then the same (lets libjpeg scale on load)",
      timing: "per-process",
      output: hinted,
      measure: (options) =>
        perProcess(
          options.processRuns,
          magick,
          [
            "-define",
            "jpeg:size=256x256",
            input,
            "-thumbnail",
            "128x128",
            "-quality",
            "80",
            hinted,
          ],
          env
        ),
    });
  }

  if (tools.djpeg) {
    const djpeg = tools.djpeg.path;
    const output = join(outDir, "djpeg-eighth.ppm");
    list.push({
      tool: "djpeg",
      setting: "-scale 1/8 (decode only: the floor)",
      timing: "per-process",
      output,
      note: "decodes to 456x342 and neither resizes nor encodes; its quality is measured after an exact Lanczos resize to 128x96 outside the timing",
      measure: (options) =>
        perProcess(options.processRuns, djpeg, ["-scale", "1/8", "-outfile", output, input]),
    });
    const full = join(outDir, "djpeg-full.ppm");
    list.push({
      tool: "djpeg",
      setting: "decode every pixel (no -scale), no thumbnail",
      timing: "per-process",
      output: full,
      diagnostic: true,
      measure: (options) => perProcess(options.processRuns, djpeg, ["-outfile", full, input]),
    });
  }

  return list;
}

async function qualityOf(
  output: string,
  reference: FloatImage
): Promise<{ quality: Quality; size?: string }> {
  const decoded = output.endsWith(".ppm") ? readPpm(output) : await decodeFile(output);
  if (decoded.width === reference.width && decoded.height === reference.height) {
    return { quality: compareImages(reference, asFloat(decoded)) };
  }
  const resized = lanczosResize(decoded, reference.width, reference.height);

  return { quality: compareImages(reference, resized), size: `${decoded.width}x${decoded.height}` };
}

async function coldRuns(
  input: string,
  outDir: string,
  tools: ExternalTools,
  runs: number
): Promise<ColdRow[]> {
  const rows: ColdRow[] = [];
  const sharpScript =
    'require("sharp")(process.argv[1]).resize(128,128,{fit:"inside"}).jpeg({quality:80})' +
    ".toFile(process.argv[2]).catch((e)=>{console.error(e);process.exit(1)})";
  rows.push({
    tool: "node + sharp (node -e, minimal pipeline)",
    time: summarize(
      (
        await perProcess(runs, NODE, ["-e", sharpScript, input, join(outDir, "cold-sharp.jpg")], {
          ...process.env,
          NODE_PATH: join(ROOT, "node_modules"),
        })
      ).wallMs
    ),
  });
  if (tools.pillow) {
    rows.push({
      tool: "python3 + Pillow draft (the runner, one thumbnail)",
      time: summarize(
        (
          await perProcess(runs, tools.pillow.path, [
            "-I",
            PILLOW_RUNNER,
            input,
            "draft",
            "1",
            "0",
            join(outDir, "cold-pillow.jpg"),
          ])
        ).wallMs
      ),
    });
  }

  return rows;
}

/**
 * Thumbnail of a ~10 MP photo on one core (every process pinned to one CPU,
 * sharp limited to one libvips thread): sharp as the handler uses it and
 * tuned one setting at a time, Pillow, ImageMagick and the djpeg floor.
 * Each output is compared with an exact Lanczos-3 resize of the full decode.
 */
export async function runThumbnailBench(
  options: ThumbnailBenchOptions,
  log: (line: string) => void
): Promise<ThumbnailResult> {
  const tools = findExternalTools();
  for (const reason of tools.missing) log(`  skipped: ${reason}`);
  const input = await photo10Mp(IMAGES);
  const outDir = join(WORK, "thumbnail");
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const { info } = await sharp(input.path)
    .resize(128, 128, { fit: "inside" })
    .toBuffer({ resolveWithObject: true });
  log(`  reference: exact Lanczos-3 of the full decode, ${info.width}x${info.height}`);
  const reference = lanczosResize(await decodeFile(input.path), info.width, info.height);

  const tiny = join(outDir, "tiny.jpg");
  await sharp({ create: { width: 16, height: 16, channels: 3, background: "#808080" } })
    .jpeg()
    .toFile(tiny);
  const list = contenders(input.path, tiny, outDir, tools);
  const wall = list.map((): number[] => []);
  const cpu = list.map((): number[] | undefined => []);
  for (let round = 1; round <= options.rounds; round += 1) {
    log(`  round ${round}/${options.rounds}`);
    for (const [index, contender] of list.entries()) {
      const measured = await contender.measure(options);
      wall[index].push(...measured.wallMs);
      if (measured.cpuMs) cpu[index]?.push(...measured.cpuMs);
      else cpu[index] = undefined;
    }
  }

  const handlerOutput = readFileSync(join(outDir, "sharp-handler.jpg"));
  const rows: ThumbnailRow[] = [];
  for (const [index, contender] of list.entries()) {
    const { size } = statSync(contender.output);
    const measured =
      size > 0 && !contender.diagnostic ? await qualityOf(contender.output, reference) : undefined;
    rows.push({
      tool: contender.tool,
      setting: contender.setting,
      timing: contender.timing,
      time: summarize(wall[index]),
      cpu: cpu[index]?.length ? summarize(cpu[index]!) : undefined,
      outputBytes: size,
      quality: measured?.quality,
      outputSize: measured?.size,
      note: contender.note,
      diagnostic: contender.diagnostic,
      sameAsHandler: size > 0 && readFileSync(contender.output).equals(handlerOutput),
    });
  }

  let djpegStartup: Summary | undefined;
  let djpegStartupCpu: Summary | undefined;
  if (tools.djpeg) {
    const startup = await perProcess(options.processRuns * options.rounds, tools.djpeg.path, [
      "-scale",
      "1/8",
      "-outfile",
      join(outDir, "tiny.ppm"),
      tiny,
    ]);
    djpegStartup = summarize(startup.wallMs);
    djpegStartupCpu = startup.cpuMs ? summarize(startup.cpuMs) : undefined;
  }
  const cold = await coldRuns(input.path, outDir, tools, options.processRuns);

  return {
    input,
    thumbnailSize: `${info.width}x${info.height}`,
    rows,
    cold,
    djpegStartup,
    djpegStartupCpu,
    tools,
    options,
  };
}
