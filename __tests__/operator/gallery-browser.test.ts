/**
 * The gallery in a real browser: Debian's chromium, headless, takes a
 * screenshot of the page over file://, and the pixels where thumbnails and
 * originals render must show the images the test made (two-colour patterns
 * no part of the page's own style uses), not blank frames. Skipped, with a
 * message, where /usr/bin/chromium is not installed (.ci/run installs it).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import sharp, { Sharp } from "sharp";

import { writeGallery } from "../../local/gallery";
import type { RunSummary, SummaryRow } from "../../local/summary";

const CHROMIUM = "/usr/bin/chromium";
const WIDTH = 1000;
const HEIGHT = 1100;

type Rgb = readonly [number, number, number];
const MAGENTA: Rgb = [255, 0, 255];
const LIME: Rgb = [0, 255, 0];
const CYAN: Rgb = [0, 255, 255];
const ORANGE: Rgb = [255, 128, 0];

/** A checkerboard of two colours, `cell` pixels per square. */
function checkerboard(width: number, height: number, a: Rgb, b: Rgb, cell = 8): Sharp {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const colour = (Math.floor(x / cell) + Math.floor(y / cell)) % 2 === 0 ? a : b;
      pixels.set(colour, (y * width + x) * 3);
    }
  }

  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

function near(pixel: Buffer, offset: number, colour: Rgb): boolean {
  return colour.every((value, i) => Math.abs(pixel[offset + i] - value) < 48);
}

/** Counts the pixels of a raw RGB(A) image that are near `colour`. */
function countColour(raw: Buffer, channels: number, colour: Rgb): number {
  let count = 0;
  for (let offset = 0; offset < raw.length; offset += channels) {
    if (near(raw, offset, colour)) count += 1;
  }

  return count;
}

const browserTest = existsSync(CHROMIUM) ? it : it.skip;
if (!existsSync(CHROMIUM)) {
  console.warn(
    `Skipping the gallery screenshot test: ${CHROMIUM} is not installed (apt-get install chromium; .ci/run does it).`
  );
}

describe("gallery.html in headless chromium", () => {
  browserTest(
    "renders every thumbnail and viewable original, and placeholders for the rest",
    async () => {
      // Arrange
      const dir = mkdtempSync(join(tmpdir(), "gallery-browser-"));
      const resultsDir = join(dir, "results");
      const write = async (path: string, body: Buffer) => {
        mkdirSync(join(path, ".."), { recursive: true });
        writeFileSync(path, body);

        return path;
      };
      const original = (name: string, image: Sharp, format: "png" | "jpeg" | "tiff") =>
        image
          .toFormat(format)
          .toBuffer()
          .then((body) => write(join(dir, "in", name), body));
      const thumbnail = (key: string) =>
        checkerboard(128, 96, MAGENTA, LIME)
          .png()
          .toBuffer()
          .then((body) => write(join(resultsDir, "thumbnails", key), body));
      const row = (
        key: string,
        file: string,
        status: string,
        thumbnailPath?: string
      ): SummaryRow => ({
        key,
        file,
        status,
        detail: status === "FAILED" ? "The upload is not an image" : "128x96 image/png",
        latencyMs: 1200,
        thumbnailPath,
        duplicates: 0,
      });
      const summary: RunSummary = {
        rows: [
          row(
            "a/pattern #1.png",
            await original("a.png", checkerboard(400, 300, CYAN, ORANGE, 20), "png"),
            "SUCCEEDED",
            await thumbnail("a/pattern #1.png")
          ),
          row(
            "b/photo é.jpg",
            await original("b.jpg", checkerboard(300, 400, CYAN, ORANGE, 20), "jpeg"),
            "SUCCEEDED",
            await thumbnail("b/photo é.jpg")
          ),
          row(
            "c/scan.tiff",
            await original("c.tiff", checkerboard(400, 300, CYAN, ORANGE, 20), "tiff"),
            "SUCCEEDED",
            await thumbnail("c/scan.tiff")
          ),
          row(
            "bad/empty.jpg",
            await write(join(dir, "in", "empty.jpg"), Buffer.alloc(0)),
            "FAILED"
          ),
          row(
            "bad/notes.jpg",
            await write(join(dir, "in", "notes.jpg"), Buffer.from("text")),
            "FAILED"
          ),
        ],
        counts: { SUCCEEDED: 3, FAILED: 2 },
        problems: [],
      };
      const page = writeGallery(summary, resultsDir);
      const screenshot = join(dir, "gallery.png");

      // Act
      const chromium = spawnSync(
        CHROMIUM,
        [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
          "--hide-scrollbars",
          `--user-data-dir=${join(dir, "profile")}`,
          `--screenshot=${screenshot}`,
          `--window-size=${WIDTH},${HEIGHT}`,
          pathToFileURL(page).href,
        ],
        { encoding: "utf8", timeout: 60_000 }
      );

      // Assert
      expect({ status: chromium.status, written: existsSync(screenshot) }).toEqual({
        status: 0,
        written: true,
      });
      expect(readFileSync(screenshot).subarray(0, 8)).toEqual(
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
      );
      const { data, info } = await sharp(screenshot).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual([WIDTH, HEIGHT]);
      const thumbnailArea = 128 * 96;
      const magenta = countColour(data, info.channels, MAGENTA);
      const lime = countColour(data, info.channels, LIME);
      // Three thumbnails, each half magenta and half lime squares: a blank or
      // broken-image frame has neither colour, a smeared one not both halves.
      expect(magenta).toBeGreaterThan(3 * thumbnailArea * 0.4);
      expect(lime).toBeGreaterThan(3 * thumbnailArea * 0.4);
      expect(Math.abs(magenta - lime) / (magenta + lime)).toBeLessThan(0.1);
      // Two originals shown at up to 256 px (the TIFF gets a placeholder): 2 x 256 x 192.
      const shownOriginals =
        countColour(data, info.channels, CYAN) + countColour(data, info.channels, ORANGE);
      expect(shownOriginals).toBeGreaterThan(2 * 256 * 192 * 0.8);
      expect(shownOriginals).toBeLessThan(3 * 256 * 192 * 0.8);
    },
    90_000
  );
});
