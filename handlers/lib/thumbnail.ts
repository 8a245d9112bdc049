import sharp, { type OutputInfo } from "sharp";

import { InputRejectedError } from "./errors";
import {
  THUMBNAIL_CONTENT_TYPES,
  type ThumbnailFormat,
  chooseThumbnailFormat,
} from "./image-format";
import type { SourceImage } from "./image-probe";
import { classifySharpError } from "./sharp-errors";

/** How thumbnails are made. */
export interface ThumbnailOptions {
  /** The thumbnail fits inside size x size pixels, keeping the aspect ratio. */
  readonly size: number;
  /** Passed to sharp as limitInputPixels, a second guard behind the header probe. */
  readonly maxInputPixels: number;
}

/** An encoded thumbnail and what a client needs to know about it. */
export interface Thumbnail {
  readonly data: Buffer;
  readonly format: ThumbnailFormat;
  readonly contentType: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
}

const JPEG_QUALITY = 80;

/**
 * Makes the thumbnail of an input that passed probeImage.
 *
 * The image is turned upright from its EXIF orientation, shrunk to fit inside
 * size x size (never enlarged: a small image stays at its own size rather than
 * being blurred up), converted to sRGB (CMYK through its embedded profile),
 * and only its first frame is used. An input with an alpha channel becomes a
 * PNG that keeps it; anything else becomes a JPEG, flattened onto white so
 * that no transparent area can turn black. sharp writes no metadata unless
 * asked, so EXIF (GPS included), XMP, IPTC and ICC never reach the output.
 * Decoding stays strict (sharp's default failOn), so a truncated or corrupt
 * input is rejected instead of yielding a half-grey thumbnail.
 */
export async function makeThumbnail(
  input: Buffer,
  source: SourceImage,
  options: ThumbnailOptions
): Promise<Thumbnail> {
  const format = chooseThumbnailFormat(source.hasAlpha);
  const pipeline = sharp(input, { limitInputPixels: options.maxInputPixels, pages: 1, page: 0 })
    .autoOrient()
    .resize(options.size, options.size, { fit: "inside", withoutEnlargement: true })
    .toColourspace("srgb");
  const encoder =
    format === "png"
      ? pipeline.png({ compressionLevel: 9 })
      : pipeline.flatten({ background: "#ffffff" }).jpeg({ quality: JPEG_QUALITY });

  let result: { data: Buffer; info: OutputInfo };
  try {
    result = await encoder.toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw classifySharpError(error, input);
  }
  if (result.data.length === 0) {
    throw new InputRejectedError("corrupt", "The decoder produced an empty thumbnail.");
  }

  return {
    data: result.data,
    format,
    contentType: THUMBNAIL_CONTENT_TYPES[format],
    width: result.info.width,
    height: result.info.height,
    bytes: result.data.length,
  };
}
