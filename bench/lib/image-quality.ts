import type { FloatImage } from "./lanczos-reference";

/** How close a thumbnail is to the reference. */
export interface Quality {
  /** Mean SSIM of the luma (11x11 Gaussian window, sigma 1.5): 1 is identical. */
  readonly ssim: number;
  /** Mean absolute difference over R, G and B, 0-255 scale: 0 is identical. */
  readonly meanAbsDiff: number;
}

function luma(image: FloatImage): Float64Array {
  const out = new Float64Array(image.width * image.height);
  for (let i = 0; i < out.length; i += 1) {
    out[i] =
      0.299 * image.data[i * 3] + 0.587 * image.data[i * 3 + 1] + 0.114 * image.data[i * 3 + 2];
  }

  return out;
}

function gaussianWindow(size: number, sigma: number): Float64Array {
  const w = new Float64Array(size * size);
  const half = (size - 1) / 2;
  let total = 0;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const value = Math.exp(-((x - half) ** 2 + (y - half) ** 2) / (2 * sigma * sigma));
      w[y * size + x] = value;
      total += value;
    }
  }

  return w.map((value) => value / total);
}

/**
 * SSIM (Wang et al. 2004: K1 0.01, K2 0.03, 11x11 Gaussian window of sigma
 * 1.5, over the positions where the window fits) of the luma of two images
 * of the same size, and their mean absolute difference over RGB.
 */
export function compareImages(reference: FloatImage, candidate: FloatImage): Quality {
  if (reference.width !== candidate.width || reference.height !== candidate.height) {
    throw new Error(
      `images differ in size: ${reference.width}x${reference.height} and ` +
        `${candidate.width}x${candidate.height}`
    );
  }
  let diff = 0;
  for (let i = 0; i < reference.data.length; i += 1) {
    diff += Math.abs(reference.data[i] - candidate.data[i]);
  }

  const size = 11;
  const window = gaussianWindow(size, 1.5);
  const a = luma(reference);
  const b = luma(candidate);
  const { width, height } = reference;
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  let total = 0;
  let count = 0;
  for (let y = 0; y + size <= height; y += 1) {
    for (let x = 0; x + size <= width; x += 1) {
      let ma = 0;
      let mb = 0;
      for (let j = 0; j < size; j += 1) {
        for (let i = 0; i < size; i += 1) {
          const w = window[j * size + i];
          const p = (y + j) * width + x + i;
          ma += w * a[p];
          mb += w * b[p];
        }
      }
      let va = 0;
      let vb = 0;
      let cov = 0;
      for (let j = 0; j < size; j += 1) {
        for (let i = 0; i < size; i += 1) {
          const w = window[j * size + i];
          const p = (y + j) * width + x + i;
          va += w * (a[p] - ma) ** 2;
          vb += w * (b[p] - mb) ** 2;
          cov += w * (a[p] - ma) * (b[p] - mb);
        }
      }
      total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
      count += 1;
    }
  }

  return { ssim: total / count, meanAbsDiff: diff / reference.data.length };
}

/** 8-bit RGB or RGBA pixels as a float RGB image (alpha dropped). */
export function toFloatImage(
  data: Uint8Array,
  width: number,
  height: number,
  channels: number
): FloatImage {
  const out = new Float64Array(width * height * 3);
  for (let p = 0; p < width * height; p += 1) {
    for (let c = 0; c < 3; c += 1) out[p * 3 + c] = data[p * channels + c];
  }

  return { data: out, width, height };
}
