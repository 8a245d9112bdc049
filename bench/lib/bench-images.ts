import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import sharp, { type Sharp } from "sharp";

import { photoLikeImage, type RawImage } from "./photo-like-image";

/** Bumped whenever the generator changes, so cached files are made anew. */
const GENERATOR_VERSION = 1;

/** The processor's input limits (MAX_INPUT_BYTES, MAX_INPUT_PIXELS defaults). */
export const INPUT_LIMITS = { maxInputBytes: 26_214_400, maxInputPixels: 40_000_000 } as const;

/** Largest 3:2 size within MAX_INPUT_PIXELS: 7744 x 5164 = 39,990,016 pixels. */
const LIMIT_WIDTH = 7744;
const LIMIT_HEIGHT = 5164;

/** A generated input file and how it was made. */
export interface BenchImage {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  /** How the file was encoded, for the report. */
  readonly encoding: string;
}

function rawInput(image: RawImage): Sharp {
  return sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
    limitInputPixels: false,
  });
}

async function cached(
  dir: string,
  name: string,
  width: number,
  height: number,
  encoding: string,
  make: () => Promise<Buffer>
): Promise<BenchImage> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `v${GENERATOR_VERSION}-${name}`);
  if (!existsSync(path)) {
    const data = await make();
    writeFileSync(`${path}.partial`, data);
    renameSync(`${path}.partial`, path);
  }

  return { path, width, height, bytes: statSync(path).size, encoding };
}

/**
 * The largest encoding that still fits in MAX_INPUT_BYTES, trying the given
 * settings from the largest output down.
 */
async function largestWithinLimit<T>(
  settings: readonly T[],
  encode: (setting: T) => Promise<Buffer>
): Promise<Buffer> {
  for (const setting of settings) {
    const data = await encode(setting);
    if (data.length <= INPUT_LIMITS.maxInputBytes) return data;
  }
  throw new Error("no setting produced a file within MAX_INPUT_BYTES");
}

/** The ~10 MP camera-like photo of the thumbnail bench: 3648 x 2736, JPEG q92, 4:2:0, baseline. */
export function photo10Mp(dir: string): Promise<BenchImage> {
  return cached(dir, "photo-10mp-q92.jpg", 3648, 2736, "JPEG q92 4:2:0 baseline", async () =>
    rawInput(await photoLikeImage({ width: 3648, height: 2736, seed: 10 }))
      .jpeg({ quality: 92 })
      .toBuffer()
  );
}

/** A 24 MP photo as a full-frame camera writes it: 6000 x 4000, JPEG q92, 4:2:0, baseline. */
export function photo24Mp(dir: string): Promise<BenchImage> {
  return cached(dir, "photo-24mp-q92.jpg", 6000, 4000, "JPEG q92 4:2:0 baseline", async () =>
    rawInput(await photoLikeImage({ width: 6000, height: 4000, seed: 24 }))
      .jpeg({ quality: 92 })
      .toBuffer()
  );
}

/**
 * The 24 MP photo again as a progressive 4:4:4 JPEG (q92): the size at which
 * the progressive decoder's coefficient buffer starts to matter.
 */
export async function photo24MpProgressive(dir: string): Promise<BenchImage> {
  const baseline = await photo24Mp(dir);

  return cached(
    dir,
    "photo-24mp-q92-progressive-444.jpg",
    6000,
    4000,
    "JPEG q92 4:4:4 progressive",
    () =>
      sharp(baseline.path)
        .jpeg({ quality: 92, progressive: true, chromaSubsampling: "4:4:4" })
        .toBuffer()
  );
}

let limitPixels: Promise<RawImage> | undefined;
function limitPhoto(): Promise<RawImage> {
  limitPixels ??= photoLikeImage({ width: LIMIT_WIDTH, height: LIMIT_HEIGHT, seed: 40, grain: 6 });

  return limitPixels;
}

/** The largest allowed JPEG: 40 MP, baseline 4:2:0, the highest quality that fits 25 MiB. */
export function limitJpegBaseline(dir: string): Promise<BenchImage> {
  const qualities = [100, 99, 98, 97, 96, 95, 94, 93, 92, 90];

  return cached(
    dir,
    "limit-40mp-baseline.jpg",
    LIMIT_WIDTH,
    LIMIT_HEIGHT,
    "JPEG 4:2:0 baseline, highest quality within 25 MiB",
    async () => {
      const pixels = await limitPhoto();

      return largestWithinLimit(qualities, (quality) =>
        rawInput(pixels).jpeg({ quality }).toBuffer()
      );
    }
  );
}

/**
 * The costliest allowed JPEG to decode: 40 MP, progressive, 4:4:4. A
 * progressive JPEG cannot be decoded in one pass, so the decoder keeps every
 * DCT coefficient of the image in memory, even when it scales down on load.
 */
export function limitJpegProgressive(dir: string): Promise<BenchImage> {
  const qualities = [100, 99, 98, 97, 96, 95, 94, 93, 92, 90];

  return cached(
    dir,
    "limit-40mp-progressive-444.jpg",
    LIMIT_WIDTH,
    LIMIT_HEIGHT,
    "JPEG 4:4:4 progressive, highest quality within 25 MiB",
    async () => {
      const pixels = await limitPhoto();

      return largestWithinLimit(qualities, (quality) =>
        rawInput(pixels).jpeg({ quality, progressive: true, chromaSubsampling: "4:4:4" }).toBuffer()
      );
    }
  );
}

/**
 * The largest allowed PNG: 40 MP RGBA (transparent corners). Photo-like
 * noise does not fit 25 MiB as a PNG, so a smaller photo-like image is scaled
 * up and its levels reduced, the finest step that fits being kept.
 */
export function limitPng(dir: string): Promise<BenchImage> {
  return cached(
    dir,
    "limit-40mp-rgba.png",
    LIMIT_WIDTH,
    LIMIT_HEIGHT,
    "PNG RGBA 8-bit, as large as fits 25 MiB",
    async () => {
      const small = await photoLikeImage({
        width: 968,
        height: 646,
        seed: 41,
        alpha: true,
        grain: 0,
      });
      const pixels = await rawInput(small)
        .resize(LIMIT_WIDTH, LIMIT_HEIGHT, { kernel: "cubic" })
        .raw()
        .toBuffer();

      return largestWithinLimit([0xfe, 0xfc, 0xf8, 0xf0], (mask) => {
        const levels = Buffer.from(pixels);
        for (let i = 0; i < levels.length; i += 1) levels[i] &= mask;

        return sharp(levels, {
          raw: { width: LIMIT_WIDTH, height: LIMIT_HEIGHT, channels: 4 },
          limitInputPixels: false,
        })
          .png({ compressionLevel: 6 })
          .toBuffer();
      });
    }
  );
}

/** Web-sized photos for the end-to-end run: `count` distinct 1600 x 1200 JPEGs, q85. */
export async function webPhotos(dir: string, count: number): Promise<BenchImage[]> {
  const photos: BenchImage[] = [];
  for (let i = 0; i < count; i += 1) {
    photos.push(
      await cached(dir, `web-2mp-${i}.jpg`, 1600, 1200, "JPEG q85 4:2:0 baseline", async () =>
        rawInput(await photoLikeImage({ width: 1600, height: 1200, seed: 1000 + i }))
          .jpeg({ quality: 85 })
          .toBuffer()
      )
    );
  }

  return photos;
}
