import type { RawImage } from "./photo-like-image";

/** Floating-point RGB pixels, row-major and interleaved. */
export interface FloatImage {
  readonly data: Float64Array;
  readonly width: number;
  readonly height: number;
}

function lanczos3(x: number): number {
  if (x === 0) return 1;
  if (x <= -3 || x >= 3) return 0;
  const px = Math.PI * x;

  return (3 * Math.sin(px) * Math.sin(px / 3)) / (px * px);
}

interface Taps {
  readonly first: Int32Array;
  readonly weights: Float64Array[];
}

/** Normalised Lanczos-3 weights of every output position along one axis. */
function taps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const support = 3 * Math.max(scale, 1);
  const first = new Int32Array(outSize);
  const weights: Float64Array[] = [];
  for (let o = 0; o < outSize; o += 1) {
    const centre = (o + 0.5) * scale;
    const start = Math.max(0, Math.floor(centre - support));
    const end = Math.min(inSize, Math.ceil(centre + support));
    const w = new Float64Array(end - start);
    let total = 0;
    for (let i = start; i < end; i += 1) {
      w[i - start] = lanczos3((i + 0.5 - centre) / Math.max(scale, 1));
      total += w[i - start];
    }
    for (let i = 0; i < w.length; i += 1) w[i] /= total;
    first[o] = start;
    weights.push(w);
  }

  return { first, weights };
}

/**
 * Resizes the RGB channels of a full decode to width x height with an exact,
 * separable Lanczos-3 convolution in floating point: every source pixel under
 * the kernel counts, with no shrink-on-load, box pre-shrink or rounding. The
 * bench uses it as the high-quality reference that every thumbnail is
 * compared with; it is slow on purpose and never part of a timing.
 */
export function lanczosResize(source: RawImage, width: number, height: number): FloatImage {
  const { channels } = source;
  const horizontal = taps(source.width, width);
  const vertical = taps(source.height, height);
  const rows = new Float64Array(source.height * width * 3);
  for (let y = 0; y < source.height; y += 1) {
    const rowStart = y * source.width * channels;
    for (let x = 0; x < width; x += 1) {
      const w = horizontal.weights[x];
      let r = 0;
      let g = 0;
      let b = 0;
      let offset = rowStart + horizontal.first[x] * channels;
      for (let k = 0; k < w.length; k += 1, offset += channels) {
        r += source.data[offset] * w[k];
        g += source.data[offset + 1] * w[k];
        b += source.data[offset + 2] * w[k];
      }
      const out = (y * width + x) * 3;
      rows[out] = r;
      rows[out + 1] = g;
      rows[out + 2] = b;
    }
  }

  const data = new Float64Array(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    const w = vertical.weights[y];
    const first = vertical.first[y];
    for (let x = 0; x < width; x += 1) {
      for (let c = 0; c < 3; c += 1) {
        let sum = 0;
        for (let k = 0; k < w.length; k += 1) sum += rows[((first + k) * width + x) * 3 + c] * w[k];
        data[(y * width + x) * 3 + c] = Math.min(255, Math.max(0, sum));
      }
    }
  }

  return { data, width, height };
}
