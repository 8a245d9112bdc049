import sharp, { type Sharp } from "sharp";

/** A decoded image as raw interleaved pixels. */
export interface RawImage {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
}

/**
 * An upright 192x128 RGB test card: a horizontal grey ramp, a dark block in
 * the top-left corner and a light bar along the bottom, so that any flip or
 * rotation changes most pixels.
 */
export function uprightCard(): RawImage {
  const width = 192;
  const height = 128;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      let value = Math.round((x / (width - 1)) * 200) + 20;
      if (x < 64 && y < 48) {
        value = 10;
      } else if (y >= 104) {
        value = 245;
      }
      const offset = (y * width + x) * 3;
      data[offset] = value;
      data[offset + 1] = value;
      data[offset + 2] = Math.min(255, value + 10);
    }
  }

  return { data, width, height, channels: 3 };
}

/**
 * Where stored pixel (sx, sy) appears on screen for each EXIF orientation,
 * written from the tag's definition (which side row 0 and column 0 are on),
 * independently of any image library.
 */
function displayPosition(
  orientation: number,
  sx: number,
  sy: number,
  displayWidth: number,
  displayHeight: number
): [number, number] {
  switch (orientation) {
    case 1:
      return [sx, sy];
    case 2:
      return [displayWidth - 1 - sx, sy];
    case 3:
      return [displayWidth - 1 - sx, displayHeight - 1 - sy];
    case 4:
      return [sx, displayHeight - 1 - sy];
    case 5:
      return [sy, sx];
    case 6:
      return [displayWidth - 1 - sy, sx];
    case 7:
      return [displayWidth - 1 - sy, displayHeight - 1 - sx];
    case 8:
      return [sy, displayHeight - 1 - sx];
    default:
      throw new Error(`EXIF orientation must be 1-8, got ${orientation}`);
  }
}

/** The pixels a camera stores so that `upright` displays correctly under the orientation. */
export function storedForOrientation(upright: RawImage, orientation: number): RawImage {
  const swaps = orientation >= 5;
  const width = swaps ? upright.height : upright.width;
  const height = swaps ? upright.width : upright.height;
  const { channels } = upright;
  const data = Buffer.alloc(width * height * channels);
  for (let sy = 0; sy < height; sy += 1) {
    for (let sx = 0; sx < width; sx += 1) {
      const [dx, dy] = displayPosition(orientation, sx, sy, upright.width, upright.height);
      const from = (dy * upright.width + dx) * channels;
      upright.data.copy(data, (sy * width + sx) * channels, from, from + channels);
    }
  }

  return { data, width, height, channels };
}

function fromRaw(image: RawImage): Sharp {
  return sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
  });
}

/** A JPEG of the raw pixels carrying the given EXIF orientation tag. */
export async function jpegWithOrientation(image: RawImage, orientation: number): Promise<Buffer> {
  return fromRaw(image).withMetadata({ orientation }).jpeg({ quality: 95 }).toBuffer();
}

/** A 200x100 PNG: an opaque red disc on a fully transparent background. */
export async function alphaPng(): Promise<Buffer> {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">' +
    '<circle cx="100" cy="50" r="40" fill="#ff0000"/></svg>';

  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A 160x120 CMYK JPEG of a mostly red picture. */
export async function cmykJpeg(): Promise<Buffer> {
  return sharp({
    create: { width: 160, height: 120, channels: 3, background: { r: 220, g: 30, b: 30 } },
  })
    .toColourspace("cmyk")
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A 300x200 PNG with 16 bits per channel: blue left half, yellow right half. */
export async function sixteenBitPng(): Promise<Buffer> {
  const width = 300;
  const height = 200;
  const data = new Uint16Array(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const rgb = x < width / 2 ? [0, 0, 65535] : [65535, 65535, 0];
      data.set(rgb, (y * width + x) * 3);
    }
  }

  return sharp(data, { raw: { width, height, channels: 3 } })
    .toColourspace("rgb16")
    .png()
    .toBuffer();
}

/** A 64x64 animated GIF of four frames: the first red, the others shades of blue. */
export async function animatedGif(): Promise<Buffer> {
  const size = 64;
  const frames = 4;
  const data = Buffer.alloc(size * size * frames * 3);
  for (let i = 0; i < size * size * frames; i += 1) {
    const frame = Math.floor(i / (size * size));
    data[i * 3] = frame === 0 ? 230 : 0;
    data[i * 3 + 2] = frame === 0 ? 0 : 120 + frame * 40;
  }

  return sharp(data, { raw: { width: size, height: size * frames, channels: 3, pageHeight: size } })
    .gif({ loop: 0, delay: Array(frames).fill(100) })
    .toBuffer();
}

/** A 400x300 noise image encoded in the given format (noise defeats compression). */
export async function noiseImage(format: "jpeg" | "png"): Promise<Buffer> {
  return sharp({
    create: {
      width: 400,
      height: 300,
      channels: 3,
      background: "#808080",
      noise: { type: "gaussian", mean: 128, sigma: 50 },
    },
  })
    .toFormat(format)
    .toBuffer();
}

/** The first `fraction` of a buffer: a file cut off during upload. */
export function cutOff(buffer: Buffer, fraction: number): Buffer {
  return Buffer.from(buffer.subarray(0, Math.floor(buffer.length * fraction)));
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) {
    c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }

  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  }

  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A small real PNG whose IHDR is patched to declare width x height, with the
 * chunk CRC recomputed so that the header is valid: a decompression bomb's
 * header without its payload.
 */
export async function pngDeclaring(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(
    await sharp({ create: { width: 8, height: 8, channels: 3, background: "#336699" } })
      .png()
      .toBuffer()
  );
  // Signature (8) + IHDR length (4) + "IHDR" (4), then width and height.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);

  return png;
}

/** A JPEG whose EXIF carries GPS coordinates and a camera model, plus an XMP packet. */
export async function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 240, channels: 3, background: "#4a7a3a" } })
    .withExif({
      IFD0: { Make: "ExampleCam", Model: "Model 1" },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "12/1 58/1 3000/100",
        GPSLongitudeRef: "E",
        GPSLongitude: "77/1 35/1 4000/100",
      },
    })
    .withXmp(
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
        '<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="12,58.5N"/>' +
        "</rdf:RDF></x:xmpmeta>"
    )
    .jpeg()
    .toBuffer();
}

/** Decodes any image to greyscale raw pixels of a fixed size, for pixel comparisons. */
export async function greyPixels(image: Buffer, width: number, height: number): Promise<Buffer> {
  return sharp(image).resize(width, height, { fit: "fill" }).greyscale().raw().toBuffer();
}

/** Mean absolute difference of two equally sized 8-bit buffers, 0-255. */
export function meanAbsoluteDifference(a: Buffer, b: Buffer): number {
  if (a.length !== b.length) {
    throw new Error(`buffers differ in length: ${a.length} vs ${b.length}`);
  }
  let total = 0;
  for (let i = 0; i < a.length; i += 1) {
    total += Math.abs(a[i]! - b[i]!);
  }

  return total / a.length;
}

/** Tag numbers of the entries of IFD0 in an EXIF block as sharp returns it ("Exif\0\0" + TIFF). */
export function exifIfd0Tags(exif: Buffer): number[] {
  const tiff = exif.subarray(6);
  const little = tiff.toString("latin1", 0, 2) === "II";
  const u16 = (offset: number) => (little ? tiff.readUInt16LE(offset) : tiff.readUInt16BE(offset));
  const u32 = (offset: number) => (little ? tiff.readUInt32LE(offset) : tiff.readUInt32BE(offset));
  const ifd0 = u32(4);

  return Array.from({ length: u16(ifd0) }, (_, index) => u16(ifd0 + 2 + index * 12));
}

/** EXIF tag of the pointer to the GPS directory. */
export const GPS_IFD_POINTER_TAG = 0x8825;
