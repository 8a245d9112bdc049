import { readFileSync } from "node:fs";

import sharp from "sharp";

import type { FloatImage } from "./lanczos-reference";
import { toFloatImage } from "./image-quality";
import type { RawImage } from "./photo-like-image";

/** Decodes any image sharp reads (every pixel, no scaling) to 8-bit RGB or RGBA. */
export async function decodeFile(path: string): Promise<RawImage> {
  const { data, info } = await sharp(path, { limitInputPixels: false })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 && info.channels !== 4) {
    throw new Error(`${path} decodes to ${info.channels} channels; the bench expects RGB or RGBA`);
  }

  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** Reads a binary PPM (P6, 8-bit), as djpeg writes it. */
export function readPpm(path: string): RawImage {
  const file = readFileSync(path);
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(file.subarray(0, 64).toString("latin1"));
  if (!header || header[3] !== "255") throw new Error(`${path} is not an 8-bit binary PPM`);
  const width = Number(header[1]);
  const height = Number(header[2]);
  const data = file.subarray(header[0].length, header[0].length + width * height * 3);

  return { data, width, height, channels: 3 };
}

/** A decoded image as floating-point RGB. */
export function asFloat(image: RawImage): FloatImage {
  return toFloatImage(image.data, image.width, image.height, image.channels);
}
