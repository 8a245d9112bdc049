import { readFileSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { listFiles } from "../../scripts/lib/tree-files";
import { synthToDir } from "./synth-helper";

describe("I5: portable Terraform JSON", () => {
  const outdir = synthToDir();
  const files = listFiles(outdir).map((file) => ({
    file,
    text: readFileSync(join(outdir, file), "utf8"),
  }));
  const forbidden = [
    ...new Set([resolve(__dirname, "..", ".."), homedir(), tmpdir(), "/tmp", outdir]),
  ];

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("I5: writes cdk.tf.json and the manifest", () => {
    // Act
    const names = files.map(({ file }) => file);

    // Assert
    expect(names).toEqual(["manifest.json", "stacks/activity4-image-pipeline-dev/cdk.tf.json"]);
  });

  it.each(forbidden.map((path) => [path]))(
    "I5: mentions no absolute path of this machine such as %s",
    (path) => {
      // Act
      const hits = files.filter(({ text }) => text.includes(path)).map(({ file }) => file);

      // Assert
      expect(hits).toEqual([]);
    }
  );

  it("I5: gives every file path relative to the stack directory", () => {
    // Arrange
    const values: string[] = [];
    const collect = (node: unknown): void => {
      if (typeof node === "string") values.push(node);
      else if (node !== null && typeof node === "object") Object.values(node).forEach(collect);
    };
    collect(JSON.parse(files[1].text));

    // Act
    const absolute = values.filter(
      (value) => value.startsWith("/") && !value.startsWith("/aws/lambda/")
    );
    const fileLike = values.filter((value) => /\.zip$|\/dist\//.test(value));

    // Assert
    expect(absolute).toEqual([]);
    expect(fileLike.length).toBeGreaterThan(0);
    expect(fileLike.filter((value) => !value.startsWith("${path.module}/"))).toEqual([]);
  });
});
