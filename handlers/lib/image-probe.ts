import sharp, { type Metadata } from "sharp";

import { InputRejectedError } from "./errors";
import { ACCEPTED_FORMATS_TEXT, type InputFormat, isAcceptedInputFormat } from "./image-format";
import { classifySharpError } from "./sharp-errors";

/** Limits applied to an input before any pixel is decoded. */
export interface InputLimits {
  /** Inputs larger than this many bytes are rejected. */
  readonly maxInputBytes: number;
  /** Inputs whose header declares more pixels (width x height of one frame) are rejected. */
  readonly maxInputPixels: number;
}

/** What the header of an accepted input says about it. */
export interface SourceImage {
  readonly format: InputFormat;
  /** Stored width and height, before EXIF orientation. */
  readonly width: number;
  readonly height: number;
  /** Width and height as displayed, after EXIF orientation. */
  readonly displayWidth: number;
  readonly displayHeight: number;
  readonly bytes: number;
  readonly hasAlpha: boolean;
  /** Number of frames or pages (1 for still images). */
  readonly pages: number;
}

/** Checks the byte size of an input against the byte limit without looking at its content. */
export function checkInputSize(bytes: number, maxInputBytes: number): void {
  if (bytes === 0) {
    throw new InputRejectedError("empty", "The upload is empty (0 bytes).");
  }
  if (bytes > maxInputBytes) {
    throw new InputRejectedError(
      "too-large",
      `The upload is ${bytes} bytes, more than the limit of ${maxInputBytes} bytes ` +
        "(MAX_INPUT_BYTES)."
    );
  }
}

/**
 * Reads only the header of an input and rejects it early: empty, over the byte
 * limit, not an accepted image format, or declaring more pixels than allowed.
 * The header is parsed with the pixel limit switched off so that the declared
 * size can be compared, and reported, here; no pixels are decoded.
 */
export async function probeImage(input: Buffer, limits: InputLimits): Promise<SourceImage> {
  checkInputSize(input.length, limits.maxInputBytes);

  let metadata: Metadata;
  try {
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw classifySharpError(error, input);
  }

  const { format, width, height } = metadata;
  if (!isAcceptedInputFormat(format)) {
    throw new InputRejectedError(
      "unsupported-format",
      `The upload is a ${format ?? "unknown"} file, which is not an accepted image format ` +
        `(accepted: ${ACCEPTED_FORMATS_TEXT}).`
    );
  }
  if (format === "heif" && metadata.compression !== "av1") {
    throw new InputRejectedError(
      "unsupported-format",
      `The upload is a HEIF image compressed with ${metadata.compression ?? "an unknown codec"}; ` +
        "of the HEIF family only AVIF is accepted."
    );
  }
  if (!width || !height) {
    throw new InputRejectedError("corrupt", "The image header declares no width or height.");
  }
  const pixels = width * height;
  if (pixels > limits.maxInputPixels) {
    throw new InputRejectedError(
      "too-many-pixels",
      `The image declares ${width}x${height} = ${pixels} pixels, more than the limit of ` +
        `${limits.maxInputPixels} pixels (MAX_INPUT_PIXELS).`
    );
  }

  return {
    format,
    width,
    height,
    displayWidth: metadata.autoOrient?.width ?? width,
    displayHeight: metadata.autoOrient?.height ?? height,
    bytes: input.length,
    hasAlpha: metadata.hasAlpha === true,
    pages: metadata.pages ?? 1,
  };
}
