import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { OUTPUT_MARKER, prepareOutputFolder } from "../../local/output-folder";

describe("prepareOutputFolder", () => {
  const base = () => mkdtempSync(join(tmpdir(), "out-"));

  it("creates a new folder and marks it as local mode's", () => {
    const out = join(base(), "new");

    prepareOutputFolder(out, []);

    expect(existsSync(join(out, OUTPUT_MARKER))).toBe(true);
  });

  it("clears the run folders of a folder an earlier run made", () => {
    const out = base();
    prepareOutputFolder(out, []);
    mkdirSync(join(out, "results"));
    writeFileSync(join(out, "results", "old.json"), "{}");

    prepareOutputFolder(out, []);

    expect(existsSync(join(out, "results", "old.json"))).toBe(false);
  });

  it("refuses a folder holding files it did not write, and deletes nothing", () => {
    const out = base();
    mkdirSync(join(out, "results"));
    writeFileSync(join(out, "results", "important.txt"), "keep");
    writeFileSync(join(out, "notes.txt"), "mine");

    expect(() => prepareOutputFolder(out, [])).toThrow(/already holds files that local mode did not write/);
    expect(readFileSync(join(out, "results", "important.txt"), "utf8")).toBe("keep");
  });

  it("refuses an input inside a folder that each run replaces", () => {
    const out = base();
    prepareOutputFolder(out, []);
    mkdirSync(join(out, "results"));
    writeFileSync(join(out, "results", "holiday.jpg"), "x");

    expect(() => prepareOutputFolder(out, [join(out, "results", "holiday.jpg")])).toThrow(/lies inside/);
    expect(existsSync(join(out, "results", "holiday.jpg"))).toBe(true);
  });

  it("refuses a file given as the output folder", () => {
    const file = join(base(), "afile");
    writeFileSync(file, "x");

    expect(() => prepareOutputFolder(file, [])).toThrow(/is a file, not a folder/);
  });
});
