import { spawnSync } from "node:child_process";
import { basename, dirname, resolve } from "node:path";

/**
 * What {@link keepOutOfCommits} found and did: `skip-worktree` marked a
 * tracked file; `untracked` left a file git does not track; `outside-git`
 * means no work tree holds the file or git is not installed; `failed` says
 * why git refused.
 */
export type CommitGuard =
  | { readonly kind: "skip-worktree"; readonly undo: string }
  | { readonly kind: "untracked" | "outside-git" }
  | { readonly kind: "failed"; readonly reason: string };

/**
 * Keeps local changes of a file out of commits. When `file` is tracked in a
 * git work tree, marks it with `git update-index --skip-worktree`: `git
 * status` then stops listing it, `git commit -a` leaves it out and `git add`
 * refuses it. Never throws; without git, or outside a work tree, it does
 * nothing.
 *
 * @param git the git executable, found on PATH by default
 * @param cwd where the undo command is meant to be run
 * @returns what was done, with the command that undoes it
 */
export function keepOutOfCommits(
  file: string,
  git = "git",
  cwd: string = process.cwd()
): CommitGuard {
  const path = resolve(file);
  const dir = dirname(path);
  const name = basename(path);
  // Set by git hooks, these would aim git at another repository than the file's.
  const { GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, ...env } = process.env;
  const run = (...args: string[]) =>
    spawnSync(git, ["-C", dir, ...args], {
      encoding: "utf8",
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });

  const inside = run("rev-parse", "--is-inside-work-tree");
  if (inside.error !== undefined || inside.status !== 0 || inside.stdout.trim() !== "true") {
    return { kind: "outside-git" };
  }
  if (run("ls-files", "--error-unmatch", "--", name).status !== 0) return { kind: "untracked" };

  const marked = run("update-index", "--skip-worktree", "--", name);
  if (marked.error !== undefined || marked.status !== 0) {
    return { kind: "failed", reason: marked.error?.message ?? marked.stderr.trim() };
  }

  const where = dir === resolve(cwd) ? "" : `-C ${quote(dir)} `;
  const undo = `git ${where}update-index --no-skip-worktree ${quote(name)}`;

  return { kind: "skip-worktree", undo };
}

/** Quotes a path for a POSIX shell when it holds anything but safe characters. */
function quote(text: string): string {
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
