/**
 * Every bad file of the shared corpus, and an upload one byte over the size
 * limit, through local mode: each ends FAILED with a reason that names its
 * kind, a failure message and an analytics document, and no thumbnail.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import type { ScenarioUpload } from "../../local/faults/scenario";
import { ROOT, runScenarioInChild, ScenarioRun } from "./support/scenario-child";

const CORPUS = resolve(ROOT, "..", "shared", "fixtures");

/** The bad files of the corpus, the kinds each may be rejected as, a word its reason holds. */
const BAD_FILES: Readonly<Record<string, { kinds: string[]; word: RegExp }>> = {
  "wuffs-0.bytes": { kinds: ["empty"], word: /empty/i },
  "pngsuite-xs1n0g01.png": { kinds: ["unsupported-format"], word: /format/i },
  "wuffs-hibiscus.primitive.svg": { kinds: ["unsupported-format"], word: /format/i },
  "pngsuite-xhdn0g08.png": { kinds: ["corrupt"], word: /corrupt/i },
  "pngsuite-xdtn0g01.png": { kinds: ["corrupt"], word: /corrupt/i },
  "sharp-corrupt-header.jpg": { kinds: ["corrupt", "truncated"], word: /corrupt|truncated/i },
  "sharp-truncated.jpg": { kinds: ["truncated"], word: /truncated/i },
  "wuffs-hippopotamus.regular.truncated.png": { kinds: ["truncated"], word: /truncated/i },
  "sharp-giant-image.jpg": { kinds: ["too-many-pixels"], word: /pixels/i },
  "sharp-65536-uint32-limit.png": { kinds: ["too-many-pixels"], word: /pixels/i },
};

const TOO_LARGE = { kinds: ["too-large"], word: /limit/i };
const MAX_INPUT_BYTES = 26_214_400;

const available = existsSync(CORPUS);
if (!available) {
  console.warn(
    `Skipping the bad-input run: ${CORPUS} is not there (it comes with the shared fixtures).`,
  );
}

(available ? describe : describe.skip)("bad inputs through local mode", () => {
  let run: ScenarioRun;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "bad-inputs-"));
    const tooLarge = join(dir, "too-large.jpg");
    writeFileSync(tooLarge, Buffer.alloc(MAX_INPUT_BYTES + 1));
    const uploads: ScenarioUpload[] = [
      ...Object.keys(BAD_FILES).map((name) => ({
        key: `bad/${name}`,
        file: join(CORPUS, name),
        expect: { status: "FAILED" as const },
      })),
      { key: "bad/too-large.jpg", file: tooLarge, expect: { status: "FAILED" } },
    ];
    run = await runScenarioInChild("bad-inputs", { phases: [uploads], inspectThumbnails: false });
  }, 180_000);

  it("covers every file SOURCES.md says sharp refuses, and SVG, which this project refuses", () => {
    // Arrange
    const rows = readFileSync(join(CORPUS, "SOURCES.md"), "utf8")
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .map((line) => line.split("|").map((cell) => cell.trim()));

    // Act
    const refusedBySharp = rows
      .filter((cells) => cells[cells.length - 3].startsWith("ERROR"))
      .map((cells) => cells[1].replace(/`/g, ""));

    // Assert
    expect(refusedBySharp.length).toBeGreaterThan(0);
    expect([...refusedBySharp, "wuffs-hibiscus.primitive.svg"].sort()).toEqual(
      Object.keys(BAD_FILES).sort(),
    );
    expect(readdirSync(CORPUS)).toEqual(expect.arrayContaining(Object.keys(BAD_FILES)));
  });

  it("ends each bad file FAILED with a reason naming its kind, and writes no thumbnail", () => {
    // Arrange
    const expected: Record<string, { kinds: string[]; word: RegExp }> = {
      ...BAD_FILES,
      "too-large.jpg": TOO_LARGE,
    };

    // Assert
    expect(run.report.verdict.uploads).toHaveLength(Object.keys(expected).length);
    for (const upload of run.report.verdict.uploads) {
      const { kinds, word } = expected[upload.key.slice("bad/".length)];
      expect({ key: upload.key, status: upload.status }).toEqual({
        key: upload.key,
        status: "FAILED",
      });
      expect(kinds).toContain(upload.errorKind);
      expect(upload.errorReason).toMatch(word);
      expect([upload.messages, upload.analyticsDocuments, upload.thumbnailPuts]).toEqual([1, 1, 0]);
      expect(upload.processorAttempts).toBe(1);
    }
  });

  it("carries the kind and reason into the failure message's analytics document", () => {
    // Act
    const documents = run.report.inventory.analytics;

    // Assert
    expect(documents).toHaveLength(Object.keys(BAD_FILES).length + 1);
    for (const document of documents) {
      const job = run.report.inventory.jobs.find((j) => j.jobId === document.jobId)!;
      expect(document).toMatchObject({
        status: "FAILED",
        errorKind: job.errorKind,
        errorReason: job.errorReason,
      });
    }
  });

  it("decides the oversized upload from the event, without downloading it", () => {
    // Act
    const downloads = run.report.calls.filter(
      (c) => c.operation === "GetObject" && c.resource.endsWith("/bad/too-large.jpg"),
    );

    // Assert
    expect(downloads).toEqual([]);
  });
});
