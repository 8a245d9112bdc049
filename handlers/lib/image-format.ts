/**
 * Input formats the processor turns into thumbnails, as sharp names them
 * (`heif` covers AVIF). SVG is deliberately absent: it is a document that can
 * reference other resources, not a raster image, and uploads of it are
 * rejected as an unsupported format.
 */
export const ACCEPTED_INPUT_FORMATS = ["jpeg", "png", "webp", "gif", "tiff", "heif"] as const;

/** One of ACCEPTED_INPUT_FORMATS. */
export type InputFormat = (typeof ACCEPTED_INPUT_FORMATS)[number];

/** The accepted formats as users know them, for error messages. */
export const ACCEPTED_FORMATS_TEXT = ACCEPTED_INPUT_FORMATS.map((format) =>
  format === "heif" ? "avif" : format
).join(", ");

/** Thumbnail encodings: PNG when transparency must survive, JPEG otherwise. */
export type ThumbnailFormat = "png" | "jpeg";

/** Content-Type header of each thumbnail encoding. */
export const THUMBNAIL_CONTENT_TYPES: Readonly<Record<ThumbnailFormat, string>> = {
  png: "image/png",
  jpeg: "image/jpeg",
};

/** True when sharp's format name is one the processor accepts. */
export function isAcceptedInputFormat(format: string | undefined): format is InputFormat {
  return ACCEPTED_INPUT_FORMATS.some((accepted) => accepted === format);
}

/** Picks the thumbnail encoding: only an input with an alpha channel needs PNG. */
export function chooseThumbnailFormat(hasAlpha: boolean): ThumbnailFormat {
  return hasAlpha ? "png" : "jpeg";
}

function startsWith(buffer: Uint8Array, bytes: readonly number[], offset = 0): boolean {
  return bytes.every((byte, index) => buffer[offset + index] === byte);
}

/**
 * Recognises a raster container from its leading bytes, independent of sharp.
 * Used to tell "not an image at all" from "an image we could not decode".
 */
export function sniffInputFormat(buffer: Uint8Array): InputFormat | undefined {
  if (startsWith(buffer, [0xff, 0xd8, 0xff])) {
    return "jpeg";
  }
  if (startsWith(buffer, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return "png";
  }
  if (startsWith(buffer, [0x47, 0x49, 0x46, 0x38])) {
    return "gif";
  }
  if (
    startsWith(buffer, [0x52, 0x49, 0x46, 0x46]) &&
    startsWith(buffer, [0x57, 0x45, 0x42, 0x50], 8)
  ) {
    return "webp";
  }
  if (
    startsWith(buffer, [0x49, 0x49, 0x2a, 0x00]) ||
    startsWith(buffer, [0x4d, 0x4d, 0x00, 0x2a])
  ) {
    return "tiff";
  }
  if (startsWith(buffer, [0x66, 0x74, 0x79, 0x70], 4)) {
    return "heif";
  }

  return undefined;
}

/**
 * True when a buffer of a recognised format visibly lacks its end: a JPEG
 * without an end-of-image marker, a PNG without IEND, a GIF without its
 * trailer, a WebP shorter than its RIFF header declares. Decoders report
 * truncation with different, sometimes generic, messages; the bytes do not lie.
 */
export function looksTruncated(buffer: Uint8Array, format: InputFormat | undefined): boolean {
  const tail = buffer.subarray(Math.max(0, buffer.length - 64));
  switch (format) {
    case "jpeg":
      return !Buffer.from(tail).includes(Buffer.from([0xff, 0xd9]));
    case "png":
      return !Buffer.from(tail).includes(Buffer.from("IEND", "latin1"));
    case "gif":
      return !tail.includes(0x3b);
    case "webp": {
      if (buffer.length < 12) {
        return true;
      }
      const declared = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.length).readUInt32LE(4);

      return buffer.length < declared + 8;
    }
    default:
      return false;
  }
}
