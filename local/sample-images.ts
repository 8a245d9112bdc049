import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

import sharp, { Sharp } from "sharp";

/** One file of the default input set and what the pipeline should make of it. */
export interface SampleImage {
  /** Path below the samples folder; also the upload key. */
  readonly name: string;
  readonly expected: "SUCCEEDED" | "FAILED";
  readonly note: string;
  readonly make: () => Promise<Buffer>;
}

/** A small deterministic pseudo-random generator, so samples are the same on every machine. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;

    return state / 2 ** 32;
  };
}

/** A landscape scene drawn as SVG, with film-grain noise so it compresses like a photo. */
async function scene(width: number, height: number, hue: number, seed: number): Promise<Sharp> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="hsl(${hue},70%,35%)"/><stop offset="1" stop-color="hsl(${hue + 40},80%,75%)"/>
    </linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#sky)"/>
    <circle cx="${width * 0.75}" cy="${height * 0.3}" r="${height * 0.12}" fill="hsl(45,95%,70%)"/>
    <path d="M0 ${height * 0.7} L${width * 0.3} ${height * 0.45} L${width * 0.55} ${height * 0.68} L${width * 0.8} ${height * 0.5} L${width} ${height * 0.72} L${width} ${height} L0 ${height} Z" fill="hsl(${hue + 120},35%,25%)"/>
    <rect y="${height * 0.85}" width="100%" height="${height * 0.15}" fill="hsl(${hue + 180},40%,30%)"/>
  </svg>`;
  const base = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
  const random = seeded(seed);
  for (let i = 0; i < base.length; i += 1) {
    base[i] = Math.max(0, Math.min(255, base[i] + Math.round((random() - 0.5) * 24)));
  }

  return sharp(base, { raw: { width, height, channels: 3 } });
}

/** The default inputs of `npm start`: good images of several kinds and three bad files. */
export const SAMPLE_IMAGES: readonly SampleImage[] = [
  {
    name: "photos/harbour at dusk.jpg",
    expected: "SUCCEEDED",
    note: "6 MP JPEG; a key with spaces",
    make: async () => (await scene(3000, 2000, 210, 1)).jpeg({ quality: 88 }).toBuffer(),
  },
  {
    name: "phone/IMG_0042 rotated.jpg",
    expected: "SUCCEEDED",
    note: "stored portrait with EXIF orientation 6: the thumbnail must come out landscape",
    make: async () =>
      (await scene(2400, 1600, 20, 2))
        // Stored turned a quarter left; orientation 6 tells viewers to turn it right.
        .rotate(270)
        .jpeg({ quality: 85 })
        .withMetadata({ orientation: 6 })
        .toBuffer(),
  },
  {
    name: "graphics/badge with alpha.png",
    expected: "SUCCEEDED",
    note: "RGBA PNG: transparency kept",
    make: () =>
      sharp(
        Buffer.from(
          `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400"><circle cx="300" cy="200" r="180" fill="#d33" fill-opacity="0.85"/><circle cx="300" cy="200" r="90" fill="#fff"/></svg>`,
        ),
      )
        .png()
        .toBuffer(),
  },
  {
    name: "print/poster cmyk.jpg",
    expected: "SUCCEEDED",
    note: "CMYK JPEG: converted to sRGB",
    make: async () => (await scene(1200, 1600, 300, 3)).toColourspace("cmyk").jpeg({ quality: 90 }).toBuffer(),
  },
  {
    name: "café/naïve ✓.webp",
    expected: "SUCCEEDED",
    note: "WebP; a key with non-ASCII characters",
    make: async () => (await scene(1600, 900, 120, 4)).webp({ quality: 80 }).toBuffer(),
  },
  {
    name: "bad/empty.jpg",
    expected: "FAILED",
    note: "zero bytes",
    make: async () => Buffer.alloc(0),
  },
  {
    name: "bad/notes.jpg",
    expected: "FAILED",
    note: "a text file named like an image",
    make: async () => Buffer.from("shopping list: milk, eggs, film\n"),
  },
  {
    name: "bad/truncated.jpg",
    expected: "FAILED",
    note: "the first third of a JPEG",
    make: async () => {
      const whole = await (await scene(1200, 800, 60, 5)).jpeg().toBuffer();

      return whole.subarray(0, Math.floor(whole.length / 3));
    },
  },
];

/** Writes the sample set below `dir` and returns the paths, in order. */
export async function writeSampleImages(dir: string): Promise<string[]> {
  const paths: string[] = [];
  for (const sample of SAMPLE_IMAGES) {
    const path = join(dir, sample.name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await sample.make());
    paths.push(path);
  }

  return paths;
}
