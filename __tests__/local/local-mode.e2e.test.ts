/**
 * End to end: `npm start` as a user runs it, on the built-in samples and on
 * the shared corpus of real images, through the bundled handlers, the
 * emulators and the wiring read from the synthesized stack.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

import sharp, { Sharp } from "sharp";

import type { RunSummary } from "../../local/summary";
import { localStackJson } from "../support/local-stack";
import { runLocalMain } from "../support/run-local-main";

const ROOT = resolve(__dirname, "..", "..");
const CORPUS = resolve(ROOT, "..", "shared", "fixtures");

/** What SOURCES.md says each corpus file must end as. */
const CORPUS_FAILURES = new Set([
  "pngsuite-xs1n0g01.png",
  "pngsuite-xhdn0g08.png",
  "pngsuite-xdtn0g01.png",
  "sharp-giant-image.jpg",
  "sharp-65536-uint32-limit.png",
  "sharp-truncated.jpg",
  "sharp-corrupt-header.jpg",
  "wuffs-hippopotamus.regular.truncated.png",
  "wuffs-0.bytes",
]);

interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly summary: RunSummary;
}

async function runLocal(args: string[], outDir: string): Promise<RunResult> {
  const run = await runLocalMain(["--out", outDir, ...args]);
  const summaryPath = join(outDir, "results", "summary.json");
  if (!existsSync(summaryPath)) {
    throw new Error(`no summary written (exit ${run.code})\n${run.stdout}\n${run.stderr}`);
  }

  return { ...run, summary: JSON.parse(readFileSync(summaryPath, "utf8")) };
}

async function expectThumbnail(path: string | undefined): Promise<void> {
  expect(path).toBeDefined();
  const meta = await sharp(path!).metadata();

  expect(Math.max(meta.width!, meta.height!)).toBe(128);
  expect(meta.exif).toBeUndefined();
}

describe("npm start (local mode)", () => {
  const outDir = mkdtempSync(join(tmpdir(), "local-mode-"));
  let samples: RunResult;

  beforeAll(async () => {
    samples = await runLocal(["--stack-json", localStackJson()], outDir);
  }, 300_000);

  it("exits 0 and prints a summary naming every sample", () => {
    expect(samples.code).toBe(0);
    for (const row of samples.summary.rows) expect(samples.stdout).toContain(row.key);
  });

  it("ends each sample as its expectation says, with nothing lost or duplicated", () => {
    expect(samples.summary.problems).toEqual([]);
    expect(samples.summary.rows.length).toBeGreaterThanOrEqual(8);
    for (const row of samples.summary.rows) {
      expect(row.status).toBe(row.expected);
      expect(row.duplicates).toBe(0);
    }
  });

  it("leaves a thumbnail, a job record and an analytics document for each good image", async () => {
    for (const row of samples.summary.rows.filter((r) => r.status === "SUCCEEDED")) {
      await expectThumbnail(row.thumbnailPath);
      expect(JSON.parse(readFileSync(row.recordPath!, "utf8")).status).toBe("SUCCEEDED");
      expect(JSON.parse(readFileSync(row.analyticsPath!, "utf8")).status).toBe("SUCCEEDED");
    }
  });

  it("records each bad file as FAILED with a reason, and logs its failure message", () => {
    const failed = samples.summary.rows.filter((r) => r.status === "FAILED");

    expect(failed.map((r) => r.key).sort()).toEqual(["bad/empty.jpg", "bad/notes.jpg", "bad/truncated.jpg"]);
    for (const row of failed) {
      expect(row.detail).not.toBe("");
      expect(row.thumbnailPath).toBeUndefined();
      expect(JSON.parse(readFileSync(row.analyticsPath!, "utf8")).status).toBe("FAILED");
    }
  });

  it("turns the EXIF-rotated phone photo upright", async () => {
    const row = samples.summary.rows.find((r) => r.key === "phone/IMG_0042 rotated.jpg")!;
    const thumbnail = sharp(row.thumbnailPath!);
    const { width, height } = await thumbnail.metadata();
    const grey = (image: Sharp): Promise<Buffer> => image.resize(96, 64, { fit: "fill" }).greyscale().raw().toBuffer();
    const actual = await grey(thumbnail);
    const upright = await grey(sharp(join(outDir, "samples", row.key)).rotate());
    const meanDifference = actual.reduce((sum: number, value: number, i: number) => sum + Math.abs(value - upright[i]), 0) / actual.length;

    expect(width).toBeGreaterThan(height!);
    expect(meanDifference).toBeLessThan(8);
  });

  it("writes each function's log lines as JSON", () => {
    const logs = readdirSync(join(outDir, "run", "logs"));

    expect(logs.length).toBe(2);
    for (const log of logs) {
      const lines = readFileSync(join(outDir, "run", "logs", log), "utf8").trim().split("\n");
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    }
  });

  it("rejects a missing input path with a one-line error", async () => {
    const { code, stderr } = await runLocalMain(["/no/such/image.jpg"]);

    expect(code).toBe(2);
    expect(stderr.trim()).toBe("error: no such file or folder: /no/such/image.jpg");
  });

  const variants: string[] = [];
  afterAll(() => variants.forEach((path) => rmSync(path, { force: true })));

  /** Writes a variant of the local stack beside the original, where its relative paths still hold. */
  function stackVariant(name: string, change: (json: any) => void): string {
    const json = JSON.parse(readFileSync(localStackJson(), "utf8"));
    change(json);
    const path = join(dirname(localStackJson()), `${name}.test-variant.json`);
    writeFileSync(path, JSON.stringify(json));
    variants.push(path);

    return path;
  }

  it("names the cause when a function cannot start, instead of waiting out the timeout", async () => {
    const broken = stackVariant("no-env", (json) => {
      for (const fn of Object.values<any>(json.resource.aws_lambda_function)) {
        if (fn.function_name.endsWith("image-processor")) fn.environment.variables = {};
      }
    });
    const input = join(outDir, "samples", "photos", "harbour at dusk.jpg");

    const run = await runLocal(["--stack-json", broken, "--timeout", "100", input], mkdtempSync(join(tmpdir(), "broken-")));

    expect(run.code).toBe(1);
    expect(run.summary.rows[0].status).toBe("LOST");
    expect(run.summary.rows[0].detail).toMatch(/Runtime\.InitError: ConfigError: .*THUMBNAILS_BUCKET/);
    expect(run.summary.rows[0].detail).toMatch(/on-failure queue/);
  });

  it("refuses functions built for another architecture than this machine's", async () => {
    const foreign = process.arch === "arm64" ? "x86_64" : "arm64";
    const variant = stackVariant("foreign-arch", (json) => {
      for (const fn of Object.values<any>(json.resource.aws_lambda_function)) fn.architectures = [foreign];
    });
    const { code, stderr } = await runLocalMain(["--stack-json", variant, "--out", mkdtempSync(join(tmpdir(), "arch-"))]);

    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`built for ${foreign} .* synthesize with LAMBDA_ARCH=`));
  });

  it("refuses an output folder holding files it did not write, and deletes none of them", async () => {
    const out = mkdtempSync(join(tmpdir(), "theirs-"));
    mkdirSync(join(out, "results"));
    writeFileSync(join(out, "results", "important.txt"), "keep");
    const { code } = await runLocalMain(["--out", out]);

    expect(code).toBe(2);
    expect(readFileSync(join(out, "results", "important.txt"), "utf8")).toBe("keep");
  });

  const corpusTest = existsSync(CORPUS) ? it : it.skip;
  if (!existsSync(CORPUS)) {
    console.warn(`Skipping the corpus run: ${CORPUS} is not there (it comes with the shared fixtures).`);
  }

  corpusTest(
    "runs every image of the shared corpus to the end SOURCES.md gives it",
    async () => {
      const corpusOut = mkdtempSync(join(tmpdir(), "local-corpus-"));
      const run = await runLocal(["--stack-json", localStackJson(), CORPUS], corpusOut);
      const files = readdirSync(CORPUS).filter((f) => f !== "SOURCES.md");

      expect(run.summary.rows.filter((r) => r.status === "LOST")).toEqual([]);
      expect(run.summary.rows).toHaveLength(files.length + 1);
      for (const row of run.summary.rows) {
        const name = row.key.split("/").pop()!;
        if (name === "SOURCES.md") expect(row.status).toBe("FAILED");
        else if (CORPUS_FAILURES.has(name)) expect({ name, status: row.status }).toEqual({ name, status: "FAILED" });
        else if (name.endsWith(".svg")) expect(["SUCCEEDED", "FAILED"]).toContain(row.status);
        else expect({ name, status: row.status }).toEqual({ name, status: "SUCCEEDED" });
        expect(row.duplicates).toBe(0);
      }
      expect(run.code).toBe(0);
    },
    300_000,
  );
});
