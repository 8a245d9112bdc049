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

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return walk(path);

      return entry.isFile() ? [path] : [];
    });
}

/**
 * Expands files and folders into upload keys: a file is stored under its
 * name, a folder's files under the folder's name and their path inside it.
 * A key that two inputs would share gets a numbered suffix, so nothing
 * uploaded is overwritten.
 */
export function collectInputs(paths: readonly string[]): InputFile[] {
  const inputs: InputFile[] = [];
  const taken = new Set<string>();
  const claim = (key: string) => {
    let unique = key;
    for (let n = 2; taken.has(unique); n += 1) unique = `${key} (${n})`;
    taken.add(unique);

    return unique;
  };

  for (const given of paths) {
    const path = resolve(given);
    if (!existsSync(path)) throw new InputError(`no such file or folder: ${given}`);
    if (statSync(path).isDirectory()) {
      const files = walk(path);
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
