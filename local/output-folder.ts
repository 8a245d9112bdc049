import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";

import { InputError } from "./inputs";

/** Marks a folder as one that local mode made, and may therefore clear. */
export const OUTPUT_MARKER = ".image-pipeline-output";

/** The folders below the output folder that each run replaces. */
export const RUN_FOLDERS = ["results", "run", "samples"] as const;

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);

  return rel === "" || (!rel.startsWith("..") && !rel.startsWith(sep) && rel !== "..");
}

/**
 * Makes the output folder ready for a run without ever deleting what local
 * mode did not write: the folder must be new, empty, or marked as made by an
 * earlier run, and no input may lie inside the folders a run replaces.
 */
export function prepareOutputFolder(outDir: string, inputPaths: readonly string[]): void {
  if (existsSync(outDir)) {
    if (!statSync(outDir).isDirectory()) throw new InputError(`--out ${outDir} is a file, not a folder`);
    const entries = readdirSync(outDir);
    if (entries.length > 0 && !entries.includes(OUTPUT_MARKER)) {
      throw new InputError(
        `--out ${outDir} already holds files that local mode did not write; name a new or empty folder`,
      );
    }
  }
  for (const input of inputPaths) {
    const clash = RUN_FOLDERS.find((name) => isInside(resolve(input), join(outDir, name)));
    if (clash) {
      throw new InputError(`input ${input} lies inside ${join(outDir, clash)}, which each run replaces`);
    }
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, OUTPUT_MARKER),
    "Written by image-pipeline's local mode: the folders beside this file are replaced on every run.\n",
  );
  for (const name of RUN_FOLDERS) rmSync(join(outDir, name), { recursive: true, force: true });
}
