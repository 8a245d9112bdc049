import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import sharp from "sharp";

import type { ScenarioUpload } from "./scenario";
import { seededRandom } from "../seeded-random";

/** What a generated input is, and so how the pipeline must end it. */
export type GeneratedKind =
  | "jpeg"
  | "png-alpha"
  | "webp"
  | "empty"
  | "not-an-image"
  | "truncated"
  | "too-many-pixels";

/** The inputs that must end FAILED, with the error kind the job must name. */
export const BAD_KINDS: Readonly<Partial<Record<GeneratedKind, string>>> = {
  empty: "empty",
  "not-an-image": "unsupported-format",
  truncated: "truncated",
  "too-many-pixels": "too-many-pixels",
};

const GOOD: readonly GeneratedKind[] = ["jpeg", "png-alpha", "webp"];
const BAD = Object.keys(BAD_KINDS) as GeneratedKind[];

/** Raw pixels of a seeded pattern: two gradients and a band, so each image differs. */
function pixels(width: number, height: number, channels: 3 | 4, next: () => number): Buffer {
  const [a, b, c, d] = [next(), next(), next(), next()].map((v) => Math.floor(v * 255));
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = (y * width + x) * channels;
      data[i] = (x * 255) / width + a;
      data[i + 1] = (y * 255) / height + b;
      data[i + 2] = ((x + y) % 64) * 4 + c;
      if (channels === 4) data[i + 3] = Math.abs(x - width / 2) < width / 4 ? 255 : d;
    }
  }

  return data;
}

async function goodImage(kind: GeneratedKind, next: () => number): Promise<Buffer> {
  const width = 96 + Math.floor(next() * 384);
  const height = 96 + Math.floor(next() * 384);
  const channels = kind === "png-alpha" ? 4 : 3;
  const image = sharp(pixels(width, height, channels, next), { raw: { width, height, channels } });
  if (kind === "png-alpha") return image.png().toBuffer();
  if (kind === "webp") return image.webp({ quality: 70 }).toBuffer();

  return image.jpeg({ quality: 80 }).toBuffer();
}

let badInputs: Promise<Record<string, Buffer>> | undefined;

/** Bad inputs that do not depend on the seed, made once per process (the 48 MP PNG is slow). */
function fixedBadInputs(): Promise<Record<string, Buffer>> {
  badInputs ??= makeBadInputs();

  return badInputs;
}

async function makeBadInputs(): Promise<Record<string, Buffer>> {
  const whole = await sharp(pixels(640, 480, 3, seededRandom(7)), {
    raw: { width: 640, height: 480, channels: 3 },
  })
    .jpeg({ quality: 90 })
    .toBuffer();
  // 8000x6000 is 48 megapixels, over the 40 MP limit, yet a one-colour palette PNG is a few kB.
  const huge = await sharp({
    create: { width: 8000, height: 6000, channels: 3, background: "#336699" },
  })
    .png({ palette: true, colours: 2, compressionLevel: 9 })
    .toBuffer();

  return {
    empty: Buffer.alloc(0),
    "not-an-image": Buffer.from("These are meeting notes, not a photo.\n".repeat(20)),
    truncated: whole.subarray(0, Math.floor(whole.length * 0.4)),
    "too-many-pixels": huge,
  };
}

const EXTENSION: Readonly<Record<GeneratedKind, string>> = {
  jpeg: "jpg",
  "png-alpha": "png",
  webp: "webp",
  empty: "jpg",
  "not-an-image": "jpg",
  truncated: "jpg",
  "too-many-pixels": "png",
};

/** What to generate. */
export interface GeneratedSetOptions {
  readonly dir: string;
  readonly count: number;
  readonly seed: number;
  /** Share of bad inputs, 0 to 1 (default 0.2). */
  readonly badShare?: number;
  /** Key prefix (default `load/`). */
  readonly prefix?: string;
}

/**
 * Writes `count` inputs into `dir`, good images (JPEG, PNG with alpha, WebP
 * of seeded sizes and patterns, made with sharp) and bad ones (empty, text,
 * truncated JPEG, too many pixels) mixed by `badShare`, and returns them as
 * uploads with the outcome each must have. The same options give the same bytes.
 */
export async function writeGeneratedSet(options: GeneratedSetOptions): Promise<ScenarioUpload[]> {
  if (!Number.isInteger(options.count) || options.count < 1) {
    throw new Error(`count must be a whole number of images, at least 1, got ${options.count}`);
  }
  mkdirSync(options.dir, { recursive: true });
  const next = seededRandom(options.seed);
  const badShare = options.badShare ?? 0.2;
  const bad = await fixedBadInputs();
  const uploads: ScenarioUpload[] = [];
  let badIndex = 0;
  for (let index = 0; index < options.count; index += 1) {
    const isBad = next() < badShare;
    const kind = isBad ? BAD[badIndex++ % BAD.length] : GOOD[Math.floor(next() * GOOD.length)];
    const body = isBad ? bad[kind] : await goodImage(kind, next);
    const name = `${String(index).padStart(5, "0")}-${kind}.${EXTENSION[kind]}`;
    const file = join(options.dir, name);
    writeFileSync(file, body);
    uploads.push({
      key: `${options.prefix ?? "load/"}${name}`,
      file,
      expect: isBad ? { status: "FAILED", kind: BAD_KINDS[kind] } : { status: "SUCCEEDED" },
    });
  }

  return uploads;
}
