import { readdirSync } from "node:fs";

import sharp from "sharp";

import { InputRejectedError, type RejectionKind } from "../../handlers/lib/errors";
import { probeImage } from "../../handlers/lib/image-probe";
import { type Thumbnail, makeThumbnail } from "../../handlers/lib/thumbnail";
import {
  SHARED_FIXTURES_DIR,
  readSharedFixture,
  sharedFixturesAvailable,
} from "./support/shared-material";
import { greyPixels, meanAbsoluteDifference } from "./support/test-images";

/**
 * What the processor must do with each file of the shared corpus, from the
 * "correct thumbnailer should" column of its SOURCES.md. Where SOURCES.md
 * leaves a choice, this project's policy decides: thumbnails are never
 * enlarged (32x32 stays 32x32, the 100x75 peacock stays 100x75) and SVG is
 * not an accepted upload format.
 */
type Expectation =
  | {
      readonly thumbnail: readonly [width: number, height: number];
      readonly format: "jpeg" | "png";
    }
  | { readonly rejected: readonly RejectionKind[] };

const EXPECTATIONS: Readonly<Record<string, Expectation>> = {
  "exif-Landscape_1.jpg": { thumbnail: [128, 85], format: "jpeg" },
  "exif-Landscape_3.jpg": { thumbnail: [128, 85], format: "jpeg" },
  "exif-Landscape_6.jpg": { thumbnail: [128, 85], format: "jpeg" },
  "exif-Portrait_8.jpg": { thumbnail: [85, 128], format: "jpeg" },
  "pngsuite-basn6a08.png": { thumbnail: [32, 32], format: "png" },
  "pngsuite-basn6a16.png": { thumbnail: [32, 32], format: "png" },
  "pngsuite-basi3p08.png": { thumbnail: [32, 32], format: "jpeg" },
  "pngsuite-tbrn2c08.png": { thumbnail: [32, 32], format: "png" },
  "pngsuite-xs1n0g01.png": { rejected: ["unsupported-format"] },
  "pngsuite-xhdn0g08.png": { rejected: ["corrupt"] },
  "pngsuite-xdtn0g01.png": { rejected: ["corrupt"] },
  "sharp-blackbug.png": { thumbnail: [128, 96], format: "png" },
  "sharp-cmyk-Channel_digital_image_CMYK_color.jpg": { thumbnail: [128, 85], format: "jpeg" },
  "sharp-rotating-squares.gif": { thumbnail: [80, 80], format: "png" },
  "sharp-giant-image.jpg": { rejected: ["too-many-pixels"] },
  "sharp-65536-uint32-limit.png": { rejected: ["too-many-pixels"] },
  "sharp-truncated.jpg": { rejected: ["truncated"] },
  "sharp-Flag_of_the_Netherlands-16bit.png": { thumbnail: [128, 85], format: "jpeg" },
  "sharp-Landscape_9-icc-iptc-xmp.jpg": { thumbnail: [128, 98], format: "jpeg" },
  "sharp-corrupt-header.jpg": { rejected: ["corrupt", "truncated"] },
  "wuffs-harvesters.jpeg": { thumbnail: [128, 94], format: "jpeg" },
  "wuffs-peacock.progressive.jpeg": { thumbnail: [100, 75], format: "jpeg" },
  "wuffs-harvesters.lossy.webp": { thumbnail: [128, 94], format: "jpeg" },
  "wuffs-hibiscus.regular.tiff": { thumbnail: [90, 128], format: "jpeg" },
  "wuffs-hibiscus.primitive.svg": { rejected: ["unsupported-format"] },
  "wuffs-hippopotamus.regular.truncated.png": { rejected: ["truncated"] },
  "wuffs-0.bytes": { rejected: ["empty"] },
};

const LIMITS = { maxInputBytes: 26_214_400, maxInputPixels: 40_000_000 };

async function thumbnailOf(name: string): Promise<Thumbnail> {
  const input = readSharedFixture(name);

  return makeThumbnail(input, await probeImage(input, LIMITS), {
    size: 128,
    maxInputPixels: LIMITS.maxInputPixels,
  });
}

const available = sharedFixturesAvailable();
const describeCorpus = available ? describe : describe.skip;

describeCorpus(`shared corpus in ${SHARED_FIXTURES_DIR}`, () => {
  it("has an expectation for every image file in the corpus", () => {
    // Arrange
    const files = readdirSync(SHARED_FIXTURES_DIR).filter((name) => name !== "SOURCES.md");

    // Act, Assert
    expect(files.sort()).toEqual(Object.keys(EXPECTATIONS).sort());
  });

  it.each(Object.entries(EXPECTATIONS))(
    "handles %s as SOURCES.md says",
    async (name, expectation) => {
      // Arrange
      const run = thumbnailOf(name);

      // Act, Assert
      if ("rejected" in expectation) {
        const error = await run.then(
          () => undefined,
          (rejection: unknown) => rejection
        );
        expect(error).toBeInstanceOf(InputRejectedError);
        expect(expectation.rejected).toContain((error as InputRejectedError).kind);

        return;
      }
      const thumbnail = await run;
      expect([thumbnail.width, thumbnail.height]).toEqual(expectation.thumbnail);
      expect(thumbnail.format).toBe(expectation.format);
      const meta = await sharp(thumbnail.data).metadata();
      expect([meta.format, meta.space, meta.depth]).toEqual([expectation.format, "srgb", "uchar"]);
      expect(meta.channels).toBe(expectation.format === "png" ? 4 : 3);
      expect([meta.exif, meta.xmp, meta.iptc, meta.icc]).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
    }
  );

  it.each(["exif-Landscape_3.jpg", "exif-Landscape_6.jpg"])(
    "makes %s match the Landscape_1 thumbnail after orientation (grey MAD under 2)",
    async (name) => {
      // Arrange
      const reference = await greyPixels((await thumbnailOf("exif-Landscape_1.jpg")).data, 96, 64);

      // Act
      const thumbnail = await thumbnailOf(name);

      // Assert
      expect(
        meanAbsoluteDifference(await greyPixels(thumbnail.data, 96, 64), reference)
      ).toBeLessThan(2);
    }
  );

  it("makes the WebP harvesters look like the JPEG harvesters", async () => {
    // Arrange
    const jpeg = await greyPixels((await thumbnailOf("wuffs-harvesters.jpeg")).data, 96, 64);

    // Act
    const webp = await thumbnailOf("wuffs-harvesters.lossy.webp");

    // Assert: the lossy source itself differs by about 5 at this scale; a mirror image by about 55.
    expect(meanAbsoluteDifference(await greyPixels(webp.data, 96, 64), jpeg)).toBeLessThan(10);
  });

  it("keeps the red, white and blue bands of the 16-bit flag in order", async () => {
    // Arrange, Act
    const thumbnail = await thumbnailOf("sharp-Flag_of_the_Netherlands-16bit.png");

    // Assert
    const { data, info } = await sharp(thumbnail.data).raw().toBuffer({ resolveWithObject: true });
    const at = (row: number) => [
      ...data.subarray((row * info.width + 64) * 3, (row * info.width + 64) * 3 + 3),
    ];
    const [top, middle, bottom] = [at(10), at(42), at(75)];
    expect(top[0]).toBeGreaterThan(150);
    expect(top[2]).toBeLessThan(100);
    expect(Math.min(...middle)).toBeGreaterThan(230);
    expect(bottom[2]).toBeGreaterThan(100);
    expect(bottom[0]).toBeLessThan(100);
  });

  it("turns the CMYK photo into sRGB without inverting it", async () => {
    // Arrange
    const input = readSharedFixture("sharp-cmyk-Channel_digital_image_CMYK_color.jpg");
    const inverted = await sharp(input)
      .negate({ alpha: false })
      .resize(128)
      .toColourspace("srgb")
      .jpeg()
      .toBuffer();

    // Act
    const thumbnail = await thumbnailOf("sharp-cmyk-Channel_digital_image_CMYK_color.jpg");

    // Assert
    const direct = await sharp(input).resize(128).toColourspace("srgb").jpeg().toBuffer();
    const ours = await greyPixels(thumbnail.data, 96, 64);
    expect(meanAbsoluteDifference(ours, await greyPixels(direct, 96, 64))).toBeLessThan(3);
    expect(meanAbsoluteDifference(ours, await greyPixels(inverted, 96, 64))).toBeGreaterThan(30);
  });

  it("keeps the tRNS transparency of pngsuite-tbrn2c08.png", async () => {
    // Arrange, Act
    const thumbnail = await thumbnailOf("pngsuite-tbrn2c08.png");

    // Assert
    const alpha = (await sharp(thumbnail.data).stats()).channels[3]!;
    expect(alpha.min).toBe(0);
    expect(alpha.max).toBe(255);
  });
});
