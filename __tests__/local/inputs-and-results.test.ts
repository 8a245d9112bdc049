import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

import { collectInputs } from "../../local/inputs";
import { safeJoin } from "../../local/results";

describe("collectInputs", () => {
  const dir = mkdtempSync(join(tmpdir(), "inputs-"));
  mkdirSync(join(dir, "album", "2026"), { recursive: true });
  writeFileSync(join(dir, "album", "a.jpg"), "x");
  writeFileSync(join(dir, "album", "2026", "b.png"), "x");
  writeFileSync(join(dir, "a.jpg"), "x");

  it("keys a folder's files by the folder name and their path inside it", () => {
    const keys = collectInputs([join(dir, "album")]).map((input) => input.key);

    expect(keys).toEqual(["album/2026/b.png", "album/a.jpg"]);
  });

  it("gives a numbered key to a second input that would share a key", () => {
    const keys = collectInputs([join(dir, "a.jpg"), join(dir, "album", "a.jpg")]).map((input) => input.key);

    expect(keys).toEqual(["a.jpg", "a.jpg (2)"]);
  });

  it("names a path that does not exist", () => {
    expect(() => collectInputs([join(dir, "nope.jpg")])).toThrow(/no such file or folder: .*nope\.jpg/);
  });
});

describe("safeJoin", () => {
  it("keeps ordinary keys as paths below the root", () => {
    expect(safeJoin("/out", "photos/a b.jpg")).toBe("/out/photos/a b.jpg");
  });

  it.each(["../../etc/passwd", "a/../../b", "/abs", "a//b", "./."])("never leaves the root for %s", (key) => {
    const path = safeJoin("/out/thumbs", key);

    expect(relative("/out/thumbs", path).startsWith("..")).toBe(false);
  });
});
