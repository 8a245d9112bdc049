import sharp from "sharp";

import { InputRejectedError, type RejectionKind } from "../../handlers/lib/errors";
import { type InputLimits, probeImage } from "../../handlers/lib/image-probe";
import { makeThumbnail } from "../../handlers/lib/thumbnail";
import {
  GPS_IFD_POINTER_TAG,
  alphaPng,
  animatedGif,
  cmykJpeg,
  cutOff,
  exifIfd0Tags,
  greyPixels,
  jpegWithGps,
  jpegWithOrientation,
  meanAbsoluteDifference,
  noiseImage,
  pngDeclaring,
  sixteenBitPng,
  storedForOrientation,
  uprightCard,
} from "./support/test-images";

const LIMITS: InputLimits = { maxInputBytes: 26_214_400, maxInputPixels: 40_000_000 };
const OPTIONS = { size: 128, maxInputPixels: LIMITS.maxInputPixels };

async function thumbnailOf(input: Buffer) {
  const source = await probeImage(input, LIMITS);

  return makeThumbnail(input, source, OPTIONS);
}

async function rejectionOf(run: () => Promise<unknown>): Promise<InputRejectedError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof InputRejectedError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected an InputRejectedError, but the call succeeded");
}

describe("makeThumbnail orientation", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    "turns a JPEG with EXIF orientation %i upright, matching the orientation-1 thumbnail pixel for pixel",
    async (orientation) => {
      // Arrange
      const card = uprightCard();
      const reference = await thumbnailOf(await jpegWithOrientation(card, 1));
      const input = await jpegWithOrientation(storedForOrientation(card, orientation), orientation);
      const tagIgnored = await sharp(input).resize(128, 128, { fit: "inside" }).jpeg().toBuffer();

      // Act
      const thumbnail = await thumbnailOf(input);

      // Assert
      expect([thumbnail.width, thumbnail.height]).toEqual([128, 85]);
      const expected = await greyPixels(reference.data, 96, 64);
      const difference = meanAbsoluteDifference(await greyPixels(thumbnail.data, 96, 64), expected);
      expect(difference).toBeLessThan(3);
      if (orientation !== 1) {
        expect(
          meanAbsoluteDifference(await greyPixels(tagIgnored, 96, 64), expected)
        ).toBeGreaterThan(20);
      }
    }
  );
});

describe("makeThumbnail colour, alpha and frames", () => {
  it("keeps transparency as a PNG: transparent corners, opaque red centre", async () => {
    // Arrange
    const input = await alphaPng();

    // Act
    const thumbnail = await thumbnailOf(input);

    // Assert
    expect([thumbnail.format, thumbnail.contentType, thumbnail.width, thumbnail.height]).toEqual([
      "png",
      "image/png",
      128,
      64,
    ]);
    const { data, info } = await sharp(thumbnail.data).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    const pixel = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * 4, (y * info.width + x) * 4 + 4),
    ];
    expect(pixel(0, 0)[3]).toBe(0);
    expect(pixel(64, 32)).toEqual([255, 0, 0, 255]);
  });

  it("converts a CMYK JPEG to a 3-channel sRGB JPEG with its colours", async () => {
    // Arrange
    const input = await cmykJpeg();
    expect((await sharp(input).metadata()).space).toBe("cmyk");

    // Act
    const thumbnail = await thumbnailOf(input);

    // Assert
    const meta = await sharp(thumbnail.data).metadata();
    expect([meta.format, meta.space, meta.channels]).toEqual(["jpeg", "srgb", 3]);
    const [red, green, blue] = (await sharp(thumbnail.data).stats()).channels.map(
      (channel) => channel.mean
    );
    expect(red!).toBeGreaterThan(green! + 100);
    expect(red!).toBeGreaterThan(blue! + 100);
  });

  it("reduces a 16-bit PNG to an 8-bit thumbnail with the same colours", async () => {
    // Arrange
    const input = await sixteenBitPng();
    expect((await sharp(input).metadata()).depth).toBe("ushort");

    // Act
    const thumbnail = await thumbnailOf(input);

    // Assert
    expect([thumbnail.format, thumbnail.width, thumbnail.height]).toEqual(["jpeg", 128, 85]);
    expect((await sharp(thumbnail.data).metadata()).depth).toBe("uchar");
    const { data, info } = await sharp(thumbnail.data).raw().toBuffer({ resolveWithObject: true });
    const left = [...data.subarray((40 * info.width + 10) * 3, (40 * info.width + 10) * 3 + 3)];
    const right = [...data.subarray((40 * info.width + 118) * 3, (40 * info.width + 118) * 3 + 3)];
    expect(left[2]).toBeGreaterThan(200);
    expect(left[0]).toBeLessThan(40);
    expect(right[0]).toBeGreaterThan(200);
    expect(right[2]).toBeLessThan(40);
  });

  it("uses only the first frame of an animated GIF", async () => {
    // Arrange
    const input = await animatedGif();
    expect((await sharp(input).metadata()).pages).toBe(4);

    // Act
    const thumbnail = await thumbnailOf(input);

    // Assert
    expect([thumbnail.width, thumbnail.height]).toEqual([64, 64]);
    const meta = await sharp(thumbnail.data).metadata();
    expect(meta.pages ?? 1).toBe(1);
    const [red, , blue] = (await sharp(thumbnail.data).stats()).channels.map(
      (channel) => channel.mean
    );
    expect(red!).toBeGreaterThan(200);
    expect(blue!).toBeLessThan(30);
  });

  it("never enlarges: a small image keeps its size", async () => {
    // Arrange
    const input = await sharp({
      create: { width: 40, height: 30, channels: 3, background: "#808080" },
    })
      .png()
      .toBuffer();

    // Act
    const thumbnail = await thumbnailOf(input);

    // Assert
    expect([thumbnail.width, thumbnail.height]).toEqual([40, 30]);
  });

  it("honours a configured size", async () => {
    // Arrange
    const input = await noiseImage("jpeg");
    const source = await probeImage(input, LIMITS);

    // Act
    const thumbnail = await makeThumbnail(input, source, {
      size: 64,
      maxInputPixels: LIMITS.maxInputPixels,
    });

    // Assert
    expect([thumbnail.width, thumbnail.height]).toEqual([64, 48]);
  });

  it("strips EXIF (GPS included), XMP, IPTC and ICC from the output", async () => {
    // Arrange
    const input = await jpegWithGps();
    const inputMeta = await sharp(input).metadata();
    expect(exifIfd0Tags(inputMeta.exif!)).toContain(GPS_IFD_POINTER_TAG);
    expect(inputMeta.xmp).toBeDefined();

    // Act
    const thumbnail = await thumbnailOf(input);

    // Assert
    const meta = await sharp(thumbnail.data).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.iptc).toBeUndefined();
    expect(meta.icc).toBeUndefined();
  });
});

describe("probeImage and makeThumbnail rejections", () => {
  const cases: [string, () => Promise<Buffer>, RejectionKind, RegExp][] = [
    ["an empty buffer", async () => Buffer.alloc(0), "empty", /empty/],
    [
      "a text file",
      async () => Buffer.from("Meeting notes\n- buy milk\n"),
      "unsupported-format",
      /not an image/,
    ],
    [
      "an SVG document",
      async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'),
      "unsupported-format",
      /svg/,
    ],
    [
      "a JPEG cut in half",
      async () => cutOff(await noiseImage("jpeg"), 0.5),
      "truncated",
      /truncated/,
    ],
    [
      "a PNG cut in half",
      async () => cutOff(await noiseImage("png"), 0.5),
      "truncated",
      /truncated/,
    ],
    [
      "a PNG whose IHDR declares 100000x100000",
      () => pngDeclaring(100_000, 100_000),
      "too-many-pixels",
      /100000x100000/,
    ],
    [
      "a PNG whose IHDR declares 65536x65536",
      () => pngDeclaring(65_536, 65_536),
      "too-many-pixels",
      /4294967296/,
    ],
  ];

  it.each(cases)("rejects %s", async (_name, make, kind, reason) => {
    // Arrange
    const input = await make();

    // Act
    const rejection = await rejectionOf(() => thumbnailOf(input));

    // Assert
    expect(rejection.kind).toBe(kind);
    expect(rejection.message).toMatch(reason);
  });

  it("rejects too many pixels from the header alone, before any decoding", async () => {
    // Arrange
    const input = await pngDeclaring(100_000, 100_000);

    // Act
    const rejection = await rejectionOf(() => probeImage(input, LIMITS));

    // Assert
    expect(rejection.kind).toBe("too-many-pixels");
    expect(rejection.message).toContain("MAX_INPUT_PIXELS");
  });

  it("rejects an input over the byte limit before reading its header", async () => {
    // Arrange
    const input = await noiseImage("png");

    // Act
    const rejection = await rejectionOf(() => probeImage(input, { ...LIMITS, maxInputBytes: 100 }));

    // Assert
    expect(rejection.kind).toBe("too-large");
  });

  it("rejects a JPEG whose scan data is damaged mid-file as corrupt or truncated, never a partial thumbnail", async () => {
    // Arrange
    // An end-of-image marker a third of the way into the scan: a run of 0xFF
    // bytes alone is not enough, since JPEG allows 0xFF fill before a marker.
    const input = Buffer.from(await noiseImage("jpeg"));
    const at = Math.floor(input.length * 0.3);
    input[at] = 0xff;
    input[at + 1] = 0xd9;

    // Act
    const rejection = await rejectionOf(() => thumbnailOf(input));

    // Assert
    expect(["corrupt", "truncated"]).toContain(rejection.kind);
  });
});
