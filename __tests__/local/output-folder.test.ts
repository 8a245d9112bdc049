import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { OUTPUT_MARKER, prepareOutputFolder } from "../../local/output-folder";

describe("prepareOutputFolder", () => {
  const base = () => mkdtempSync(join(tmpdir(), "out-"));
  const PROJECT = base();

  it("creates a new folder and marks it as local mode's", () => {
    const out = join(base(), "new");

    prepareOutputFolder(out, [], PROJECT);

    expect(existsSync(join(out, OUTPUT_MARKER))).toBe(true);
  });

  it("clears the run folders of a folder an earlier run made", () => {
    const out = base();
    prepareOutputFolder(out, [], PROJECT)();
    mkdirSync(join(out, "results"));
    writeFileSync(join(out, "results", "old.json"), "{}");

    prepareOutputFolder(out, [], PROJECT);

    expect(existsSync(join(out, "results", "old.json"))).toBe(false);
  });

  it("refuses a folder holding files it did not write, and deletes nothing", () => {
    const out = base();
    mkdirSync(join(out, "results"));
    writeFileSync(join(out, "results", "important.txt"), "keep");
    writeFileSync(join(out, "notes.txt"), "mine");

    expect(() => prepareOutputFolder(out, [], PROJECT)).toThrow(/already holds files that local mode did not write/);
    expect(readFileSync(join(out, "results", "important.txt"), "utf8")).toBe("keep");
  });

  it("refuses an input inside a folder that each run replaces", () => {
    const out = base();
    prepareOutputFolder(out, [], PROJECT)();
    mkdirSync(join(out, "results"));
    writeFileSync(join(out, "results", "holiday.jpg"), "x");

    expect(() => prepareOutputFolder(out, [join(out, "results", "holiday.jpg")], PROJECT)).toThrow(/lies inside/);
    expect(existsSync(join(out, "results", "holiday.jpg"))).toBe(true);
  });

  it("refuses a file given as the output folder", () => {
    const file = join(base(), "afile");
    writeFileSync(file, "x");

    expect(() => prepareOutputFolder(file, [], PROJECT)).toThrow(/is a file, not a folder/);
  });

  it("refuses an input that reaches a replaced folder through a link", () => {
    const out = base();
    prepareOutputFolder(out, [], PROJECT)();
    mkdirSync(join(out, "results", "mypics"), { recursive: true });
    const link = join(base(), "link");
    symlinkSync(join(out, "results", "mypics"), link);

    expect(() => prepareOutputFolder(out, [link], PROJECT)).toThrow(/lies inside/);
    expect(existsSync(join(out, "results", "mypics"))).toBe(true);
  });

  it("refuses a folder inside the project's build output", () => {
    expect(() => prepareOutputFolder(join(PROJECT, "dist", "x86_64", "res"), [], PROJECT)).toThrow(
      /inside the project's dist\//,
    );
  });

  it("refuses a folder another live run holds, and takes it once released", () => {
    const out = base();
    const release = prepareOutputFolder(out, [], PROJECT);

    expect(() => prepareOutputFolder(out, [], PROJECT)).toThrow(/in use by another local run/);
    release();
    expect(() => prepareOutputFolder(out, [], PROJECT)()).not.toThrow();
  });
});
