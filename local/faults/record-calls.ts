/**
 * Records every AWS call the functions make in a local-mode run that takes
 * each path of the handlers (a good JPEG and PNG, a bad file, a duplicate
 * delivery, a retry after a failed thumbnail write, an overwrite), with
 * version ids in the S3 events as the versioned uploads bucket sends them,
 * and writes the calls, by construct path, as JSON:
 *
 *   tsx local/faults/record-calls.ts OUT.json
 *
 * The IAM tests compare a fresh recording with the committed one in
 * __tests__/fixtures/iam-calls/ and simulate each call against the roles.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import sharp from "sharp";

import { recordedCalls } from "./call-fixture";
import { runScenario } from "./scenario";

async function writeInputs(dir: string): Promise<Record<string, string>> {
  const files = {
    jpeg: join(dir, "one.jpg"),
    png: join(dir, "two.png"),
    other: join(dir, "three.jpg"),
    text: join(dir, "notes.jpg"),
  };
  const canvas = (width: number, height: number, alpha: number) =>
    sharp({ create: { width, height, channels: 4, background: { r: 40, g: 90, b: 160, alpha } } });
  writeFileSync(files.jpeg, await canvas(320, 200, 1).jpeg().toBuffer());
  writeFileSync(files.png, await canvas(200, 320, 0.5).png().toBuffer());
  writeFileSync(files.other, await canvas(240, 240, 1).jpeg().toBuffer());
  writeFileSync(files.text, "not an image\n");

  return files;
}

async function main(): Promise<void> {
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const out = process.argv[2];
  if (!out) {
    console.error("usage: tsx local/faults/record-calls.ts OUT.json");
    process.exitCode = 2;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "record-calls-"));
  try {
    const files = await writeInputs(dir);
    const report = await runScenario({
      workDir: join(dir, "work"),
      faults: [
        {
          kind: "server-error",
          service: "s3",
          operations: ["PutObject"],
          resourceIncludes: "-thumbnails/photos/one.jpg",
          maxPerCall: 3,
        },
      ],
      redeliveries: [{ keys: ["photos/two.png"], copies: 2, mode: "sequential" }],
      versionedUploads: true,
      phases: [
        [
          { key: "photos/one.jpg", file: files.jpeg },
          { key: "photos/two.png", file: files.png },
          { key: "bad/notes.jpg", file: files.text },
        ],
        [{ key: "photos/one.jpg", file: files.other }],
      ],
      inspectThumbnails: false,
    });
    const stack = JSON.parse(readFileSync(report.stackJson, "utf8"));
    writeFileSync(out, `${JSON.stringify(recordedCalls(report.calls, stack), null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`error: ${(error as Error).message}`);
  process.exitCode = 1;
});
