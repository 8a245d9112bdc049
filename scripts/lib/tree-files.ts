import { createHash } from "node:crypto";
import { chmodSync, lstatSync, readdirSync, readFileSync, rmdirSync, utimesSync } from "node:fs";
import { join, relative, sep } from "node:path";

/**
 * The modification time given to every built file and folder. A fixed value
 * keeps rebuilds of unchanged sources byte-identical for tools that record
 * times (zip without -X, tar); 1980 or later so that zip can store it.
 */
export const FIXED_MTIME = new Date("2000-01-01T00:00:00Z");

/** Every file under a folder, as sorted paths relative to it with `/` separators. */
export function listFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(dir, path).split(sep).join("/"));
    }
  };
  walk(dir);

  return files.sort();
}

/**
 * Gives every file mode 0644 and every folder 0755, and all of them
 * {@link FIXED_MTIME}, so the tree no longer depends on the umask or the clock
 * of the machine that built it.
 */
export function normalizeTree(dir: string): void {
  const visit = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        visit(path);
        chmodSync(path, 0o755);
      } else {
        chmodSync(path, 0o644);
      }
      utimesSync(path, FIXED_MTIME, FIXED_MTIME);
    }
  };
  visit(dir);
  chmodSync(dir, 0o755);
  utimesSync(dir, FIXED_MTIME, FIXED_MTIME);
}

/**
 * SHA-256 over every file's relative path, mode, modification time and
 * content: equal hashes mean byte-identical trees.
 */
export function treeHash(dir: string): string {
  const hash = createHash("sha256");
  for (const file of listFiles(dir)) {
    const path = join(dir, ...file.split("/"));
    const stat = lstatSync(path);
    const content = createHash("sha256").update(readFileSync(path)).digest("hex");
    hash.update(`${file}\0${(stat.mode & 0o7777).toString(8)}\0${stat.mtimeMs}\0${content}\n`);
  }

  return hash.digest("hex");
}

/** Total size in bytes of the files under a folder. */
export function treeBytes(dir: string): number {
  return listFiles(dir).reduce(
    (sum, file) => sum + lstatSync(join(dir, ...file.split("/"))).size,
    0
  );
}

/** Removes folders that hold no file, however deep, below a folder. */
export function removeEmptyFolders(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const path = join(dir, entry.name);
    removeEmptyFolders(path);
    if (readdirSync(path).length === 0) rmdirSync(path);
  }
}
