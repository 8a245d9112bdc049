import sharp, { type JpegOptions, type KernelEnum } from "sharp";

import { probeImage } from "../../handlers/lib/image-probe";
import { makeThumbnail } from "../../handlers/lib/thumbnail";

/** The limits and size the processor uses by default. */
const SIZE = 128;
const LIMITS = { maxInputBytes: 26_214_400, maxInputPixels: 40_000_000 };

/** One way of making the thumbnail with sharp. */
export interface SharpVariant {
  readonly name: string;
  /** What differs from the handler's own code, for the report. */
  readonly description: string;
  readonly run: (input: Buffer) => Promise<Buffer>;
  /** Not a thumbnail: a measurement that helps read the others (no quality figure). */
  readonly diagnostic?: boolean;
}

interface Tuning {
  readonly kernel?: keyof KernelEnum;
  readonly fastShrinkOnLoad?: boolean;
  readonly jpeg?: JpegOptions;
}

/**
 * The handler's own pipeline (makeThumbnail: autoOrient, resize inside
 * 128x128 without enlargement, sRGB, flatten, JPEG quality 80), rebuilt here
 * with one setting changed at a time.
 */
function tuned(tuning: Tuning): (input: Buffer) => Promise<Buffer> {
  return (input) =>
    sharp(input, { limitInputPixels: LIMITS.maxInputPixels, pages: 1, page: 0 })
      .autoOrient()
      .resize(SIZE, SIZE, {
        fit: "inside",
        withoutEnlargement: true,
        kernel: tuning.kernel,
        fastShrinkOnLoad: tuning.fastShrinkOnLoad,
      })
      .toColourspace("srgb")
      .flatten({ background: "#ffffff" })
      .jpeg({ quality: 80, ...tuning.jpeg })
      .toBuffer();
}

/** Every sharp variant the thumbnail bench times, the handler's own first. */
export const SHARP_VARIANTS: readonly SharpVariant[] = [
  {
    name: "handler",
    description: "the handler's code: probeImage + makeThumbnail (lanczos3, q80, 4:2:0)",
    run: async (input) => {
      const source = await probeImage(input, LIMITS);

      return (await makeThumbnail(input, source, { size: SIZE, ...LIMITS })).data;
    },
  },
  {
    name: "probe-only",
    description: "probeImage alone (header parse, no pixels): the probe's share of the above",
    run: async (input) => {
      await probeImage(input, LIMITS);

      return Buffer.alloc(0);
    },
  },
  {
    name: "minimal",
    description: "resize(128,128,{fit:inside}).jpeg({quality:80}) and nothing else",
    run: (input) =>
      sharp(input).resize(SIZE, SIZE, { fit: "inside" }).jpeg({ quality: 80 }).toBuffer(),
  },
  {
    name: "same-pipeline",
    description: "the handler's pipeline without the probe",
    run: tuned({}),
  },
  { name: "kernel-mitchell", description: "kernel mitchell", run: tuned({ kernel: "mitchell" }) },
  {
    name: "kernel-cubic",
    description: "kernel cubic (Catmull-Rom)",
    run: tuned({ kernel: "cubic" }),
  },
  { name: "kernel-linear", description: "kernel linear", run: tuned({ kernel: "linear" }) },
  { name: "kernel-nearest", description: "kernel nearest", run: tuned({ kernel: "nearest" }) },
  {
    name: "no-fast-shrink",
    description: "fastShrinkOnLoad false (decode at a larger scale, more kernel work)",
    run: tuned({ fastShrinkOnLoad: false }),
  },
  {
    name: "no-optimise-coding",
    description: "jpeg optimiseCoding false (standard Huffman tables)",
    run: tuned({ jpeg: { optimiseCoding: false } }),
  },
  {
    name: "mozjpeg",
    description: "jpeg mozjpeg true (trellis, progressive)",
    run: tuned({ jpeg: { mozjpeg: true } }),
  },
  {
    name: "chroma-444",
    description: "jpeg chromaSubsampling 4:4:4",
    run: tuned({ jpeg: { chromaSubsampling: "4:4:4" } }),
  },
  { name: "quality-90", description: "jpeg quality 90", run: tuned({ jpeg: { quality: 90 } }) },
  {
    name: "full-decode",
    description: "decode every pixel to raw RGB, no thumbnail",
    diagnostic: true,
    run: async (input) => {
      await sharp(input).raw().toBuffer();

      return Buffer.alloc(0);
    },
  },
  {
    name: "quality-90-444",
    description: "jpeg quality 90, chromaSubsampling 4:4:4",
    run: tuned({ jpeg: { quality: 90, chromaSubsampling: "4:4:4" } }),
  },
];
