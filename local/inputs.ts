import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";

/** A file to upload and the key it is stored under. */
export interface InputFile {
  readonly path: string;
  readonly key: string;
}

/** Raised for a path given on the command line that cannot be used. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** An entry of a folder that is not uploaded, and why. */
export interface SkippedEntry {
  readonly path: string;
  readonly reason: string;
}

function kindOf(entry: { isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (entry.isSymbolicLink()) return "a symbolic link";
  if (entry.isFIFO()) return "a named pipe";

  return entry.isSocket() ? "a socket" : "a device or other special file";
}

/**
 * Regular files below a folder, in a stable order. Links are not followed
 * inside folders (they could lead out of it or round in a loop), and pipes or
 * devices would block a read: both are listed in `skipped`.
 */
function walk(dir: string, skipped: SkippedEntry[]): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return walk(path, skipped);
      if (entry.isFile()) return [path];
      skipped.push({ path, reason: `${kindOf(entry)}, not a regular file` });

      return [];
    });
}

/**
 * Expands files and folders into upload keys: a file is stored under its
 * name, a folder's files under the folder's name and their path inside it.
 * A key that two inputs would share gets a numbered suffix, so nothing
 * uploaded is overwritten. Entries of folders that are not regular files are
 * added to `skipped`. Relative paths are taken from `base`.
 */
export function collectInputs(
  paths: readonly string[],
  skipped: SkippedEntry[] = [],
  base = process.cwd(),
): InputFile[] {
  const inputs: InputFile[] = [];
  const taken = new Set<string>();
  const claim = (key: string) => {
    let unique = key;
    for (let n = 2; taken.has(unique); n += 1) unique = `${key} (${n})`;
    taken.add(unique);

    return unique;
  };

  for (const given of paths) {
    const path = resolve(base, given);
    if (!existsSync(path)) throw new InputError(`no such file or folder: ${given}`);
    // A path named on the command line is followed if it is a link, as cp does.
    const stat = statSync(path);
    if (!stat.isDirectory() && !stat.isFile()) {
      throw new InputError(`not a regular file or folder: ${given} (${kindOf(stat)})`);
    }
    if (stat.isDirectory()) {
      const files = walk(path, skipped);
      if (files.length === 0) throw new InputError(`folder holds no files: ${given}`);
      for (const file of files) {
        const inside = relative(path, file).split(sep).join("/");
        inputs.push({ path: file, key: claim(`${basename(path)}/${inside}`) });
      }
    } else {
      inputs.push({ path, key: claim(basename(path)) });
    }
  }

  return inputs;
}
