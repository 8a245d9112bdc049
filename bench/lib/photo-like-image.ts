import sharp from "sharp";

import { seededRandom } from "../../local/seeded-random";

/** What to generate. */
export interface PhotoLikeOptions {
  readonly width: number;
  readonly height: number;
  /** Seed of every random choice: same seed, same pixels. */
  readonly seed: number;
  /** Add an alpha channel (a soft vignette), as a PNG with transparency has. */
  readonly alpha?: boolean;
  /** Standard deviation of the per-pixel grain, 0-255 scale. Default 3. */
  readonly grain?: number;
  /** Amplitude ratio from one octave to the next finer one. Default 0.72. */
  readonly persistence?: number;
}

/** Raw 8-bit pixels, row-major and interleaved. */
export interface RawImage {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
}

/**
 * Generates a photo-like image without any file from outside: colour noise
 * over many octaves (coarse shapes to fine texture, channels mostly
 * correlated, as in real scenes) plus sensor-like grain. Its JPEG size and
 * decode cost per pixel are close to a camera photo's, unlike a flat test
 * pattern that compresses to almost nothing.
 */
export async function photoLikeImage(options: PhotoLikeOptions): Promise<RawImage> {
  const { width, height, seed } = options;
  const persistence = options.persistence ?? 0.72;
  const random = seededRandom(seed);
  const pixels = width * height;
  const sum = new Float32Array(pixels * 3);

  let amplitude = 1;
  let weight = 0;
  for (let cell = Math.max(width, height) / 3; cell >= 2; cell /= 2) {
    const gridWidth = Math.max(2, Math.ceil(width / cell) + 1);
    const gridHeight = Math.max(2, Math.ceil(height / cell) + 1);
    const grid = Buffer.alloc(gridWidth * gridHeight * 3);
    for (let i = 0; i < gridWidth * gridHeight; i += 1) {
      const shared = random();
      for (let c = 0; c < 3; c += 1)
        grid[i * 3 + c] = Math.floor((0.85 * shared + 0.15 * random()) * 255);
    }
    const layer = await sharp(grid, { raw: { width: gridWidth, height: gridHeight, channels: 3 } })
      .resize(width, height, { fit: "fill", kernel: "cubic" })
      .raw()
      .toBuffer();
    for (let i = 0; i < sum.length; i += 1) sum[i] += (layer[i] - 127.5) * amplitude;
    weight += amplitude * amplitude;
    amplitude *= persistence;
  }

  // Hard-edged regions, as objects against a background give a photo.
  const regionGridWidth = 14;
  const regionGridHeight = Math.max(2, Math.round((14 * height) / width));
  const regionGrid = Buffer.alloc(regionGridWidth * regionGridHeight);
  for (let i = 0; i < regionGrid.length; i += 1) regionGrid[i] = Math.floor(random() * 255);
  const regions = await sharp(regionGrid, {
    raw: { width: regionGridWidth, height: regionGridHeight, channels: 1 },
  })
    .resize(width, height, { fit: "fill", kernel: "cubic" })
    .raw()
    .toBuffer();
  const tint = [random() - 0.5, random() - 0.5, random() - 0.5].map((t) => t * 90);

  const grain = options.grain ?? 4;
  const scale = 0.9 / Math.sqrt(weight);
  const channels = options.alpha ? 4 : 3;
  const data = Buffer.alloc(pixels * channels);
  for (let p = 0; p < pixels; p += 1) {
    // Sum of two uniforms: a cheap bell-shaped grain.
    const noise = (random() + random() - 1) * grain * 2.45;
    for (let c = 0; c < 3; c += 1) {
      const step = regions[p] > 140 ? tint[c] + 30 : regions[p] < 90 ? -tint[c] - 25 : 0;
      const value = 118 + sum[p * 3 + c] * scale + step + noise;
      data[p * channels + c] = value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
    }
    if (channels === 4) {
      const x = (p % width) / width - 0.5;
      const y = Math.floor(p / width) / height - 0.5;
      const edge = 1 - Math.min(1, Math.sqrt(x * x + y * y) * 1.6);
      data[p * channels + 3] = Math.round(255 * Math.min(1, edge * 3));
    }
  }

  return { data, width, height, channels };
}
