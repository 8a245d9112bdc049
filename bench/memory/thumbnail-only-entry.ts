/**
 * Bundled by the memory bench into a plain script that a fresh Node process
 * runs under GNU time: the handler's thumbnail code on one file, nothing
 * else. Usage: node thumbnail-only.js <file> [load]
 * With `load`, it only loads sharp and reads the file: the baseline.
 * Prints one JSON line: the thumbnail's format, size and bytes.
 */
import { readFileSync } from "node:fs";

import sharp from "sharp";

import { readProcessorConfig } from "../../handlers/lib/config";
import { probeImage } from "../../handlers/lib/image-probe";
import { makeThumbnail } from "../../handlers/lib/thumbnail";

async function main(): Promise<void> {
  const [path, mode] = process.argv.slice(2);
  // The handler's defaults for size and limits; the three names are required but unused here.
  const config = readProcessorConfig({
    THUMBNAILS_BUCKET: "unused",
    JOBS_TABLE: "unused",
    EVENTS_TOPIC_ARN: "unused",
  });
  const input = readFileSync(path);
  if (mode === "load") {
    process.stdout.write(
      `${JSON.stringify({ loaded: sharp.versions.vips, bytes: input.length })}\n`
    );
    return;
  }
  const source = await probeImage(input, config);
  const thumbnail = await makeThumbnail(input, source, {
    size: config.thumbnailSize,
    maxInputPixels: config.maxInputPixels,
  });
  process.stdout.write(
    `${JSON.stringify({
      format: thumbnail.format,
      width: thumbnail.width,
      height: thumbnail.height,
      bytes: thumbnail.bytes,
    })}\n`
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
