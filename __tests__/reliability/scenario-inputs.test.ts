import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import sharp from "sharp";

import { writeGeneratedSet } from "../../local/faults/generated-images";
import { Scenario, validateScenario } from "../../local/faults/scenario";
import { writeStackVariant } from "../../local/faults/stack-variant";

const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("validateScenario", () => {
  const base: Scenario = { workDir: "/tmp/x", phases: [[{ key: "a.jpg", file: "a.jpg" }]] };

  it("accepts a minimal scenario", () => {
    // Act, Assert
    expect(validateScenario(base)).toBe(base);
  });

  it("refuses the same key twice in one phase, and says to use a later phase", () => {
    // Arrange
    const twice = { ...base, phases: [[...base.phases[0], { key: "a.jpg", file: "b.jpg" }]] };

    // Act, Assert
    expect(() => validateScenario(twice)).toThrow(
      /phase 0 uploads "a.jpg" twice; put the second upload in a later phase/,
    );
  });

  it("refuses a non-positive timeout, naming the field", () => {
    // Act, Assert
    expect(() => validateScenario({ ...base, functionTimeoutSeconds: 0 })).toThrow(
      /"functionTimeoutSeconds" must be a positive number, got 0/,
    );
  });
});

describe("writeStackVariant", () => {
  it("sets every function's timeout and makes archive paths absolute", () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), "variant-"));
    const original = join(dir, "cdk.tf.json.original");
    writeFileSync(
      original,
      JSON.stringify({
        data: { archive_file: { code: { source_dir: "${path.module}/../dist/fn" } } },
        resource: { aws_lambda_function: { a: { timeout: 30 }, b: { timeout: 10 } } },
      }),
    );

    // Act
    const variant = JSON.parse(
      readFileSync(
        writeStackVariant(original, join(dir, "out"), { functionTimeoutSeconds: 3 }),
        "utf8",
      ),
    );

    // Assert
    expect(variant.resource.aws_lambda_function).toEqual({ a: { timeout: 3 }, b: { timeout: 3 } });
    expect(variant.data.archive_file.code.source_dir).toBe(join(dir, "..", "dist", "fn"));
  });
});

describe("writeGeneratedSet", () => {
  it("makes the same bytes from the same seed, and other bytes from another", async () => {
    // Arrange
    const root = mkdtempSync(join(tmpdir(), "generated-"));

    // Act
    const first = await writeGeneratedSet({ dir: join(root, "a"), count: 12, seed: 9 });
    const again = await writeGeneratedSet({ dir: join(root, "b"), count: 12, seed: 9 });
    const other = await writeGeneratedSet({ dir: join(root, "c"), count: 12, seed: 10 });

    // Assert
    expect(again.map((u) => sha(u.file))).toEqual(first.map((u) => sha(u.file)));
    expect(other.map((u) => sha(u.file))).not.toEqual(first.map((u) => sha(u.file)));
  });

  it("mixes good images sharp can read with bad inputs labelled by their kind", async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), "generated-"));

    // Act
    const set = await writeGeneratedSet({ dir, count: 40, seed: 4, badShare: 0.3 });
    const good = set.filter((u) => u.expect?.status === "SUCCEEDED");
    const bad = set.filter((u) => u.expect?.status === "FAILED");

    // Assert
    expect(good.length).toBeGreaterThan(0);
    expect(new Set(bad.map((u) => u.expect?.kind))).toEqual(
      new Set(["empty", "unsupported-format", "truncated", "too-many-pixels"]),
    );
    for (const upload of good) {
      const { width, height } = await sharp(upload.file).metadata();
      expect(width! * height!).toBeGreaterThan(0);
    }
  });
});
