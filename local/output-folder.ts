import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

import { InputError } from "./inputs";

/** Marks a folder as one that local mode made, and may therefore clear. */
export const OUTPUT_MARKER = ".image-pipeline-output";

/** The folders below the output folder that each run replaces. */
export const RUN_FOLDERS = ["results", "run", "samples"] as const;

/** Folders of the project that builds rewrite or that hold what it runs on. */
const PROJECT_FOLDERS = ["dist", "cdktf.out", "node_modules", ".git"];

const LOCK = ".run-lock";

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);

  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep));
}

/** The real path of `path`, or of its nearest existing ancestor joined with the rest. */
function realPath(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  const parent = dirname(path);

  return parent === path ? path : join(realPath(parent), path.slice(parent.length + 1));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);

    return true;
  } catch {
    return false;
  }
}

/** Takes the output folder for this process, or says which running process has it. */
function claim(outDir: string): () => void {
  const lock = join(outDir, LOCK);
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));

      return () => rmSync(lock, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(existsSync(join(lock, "pid")) ? readFileSync(join(lock, "pid"), "utf8") : NaN);
      if (Number.isInteger(owner) && processAlive(owner)) {
        throw new InputError(`--out ${outDir} is in use by another local run (process ${owner}); name another folder`);
      }
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/**
 * Makes the output folder ready for a run and takes it for this process.
 * It never deletes a file that the user put in a place local mode does not
 * own: the folder must be new, empty, or marked as made by an earlier run
 * (whose results/, run/ and samples/ each run replaces); it may not lie in
 * the project's build folders; no input may lie, even through a link, in a
 * folder a run replaces; and two runs cannot share it. Returns the release.
 */
export function prepareOutputFolder(outDir: string, inputPaths: readonly string[], projectRoot: string): () => void {
  const realOut = realPath(outDir);
  for (const name of PROJECT_FOLDERS) {
    if (isInside(realOut, realPath(join(projectRoot, name)))) {
      throw new InputError(`--out ${outDir} lies inside the project's ${name}/, which builds rewrite; name another folder`);
    }
  }
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
    const clash = RUN_FOLDERS.find((name) => isInside(realPath(resolve(input)), join(realOut, name)));
    if (clash) {
      throw new InputError(`input ${input} lies inside ${join(outDir, clash)}, which each run replaces`);
    }
  }
  mkdirSync(outDir, { recursive: true });
  const release = claim(outDir);
  writeFileSync(
    join(outDir, OUTPUT_MARKER),
    "Written by image-pipeline's local mode: each run replaces the results/, run/ and samples/ folders beside this file.\n",
  );
  for (const name of RUN_FOLDERS) rmSync(join(outDir, name), { recursive: true, force: true });

  return release;
}
