import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** Root of the repository. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

/** `../shared/bugs` next to the repository: the bug-case inputs, present in CI. */
export const SHARED_BUGS_DIR = path.resolve(REPO_ROOT, "..", "shared", "bugs");

/** `../shared/fixtures` next to the repository: the real-world image corpus, present in CI. */
export const SHARED_FIXTURES_DIR = path.resolve(REPO_ROOT, "..", "shared", "fixtures");

/** Event fixtures kept in this repository, so that the core suite runs anywhere. */
export const LOCAL_EVENTS_DIR = path.resolve(REPO_ROOT, "__tests__", "fixtures", "events");

/** True when the shared corpus is present; logs once, clearly, when it is not. */
export function sharedFixturesAvailable(): boolean {
  const present = existsSync(path.join(SHARED_FIXTURES_DIR, "SOURCES.md"));
  if (!present) {
    console.warn(
      `Skipping tests on the shared image corpus: ${SHARED_FIXTURES_DIR} is missing ` +
        "(check out the shared material next to the repository to run them)."
    );
  }

  return present;
}

/** True when the shared bug-case inputs are present; logs once, clearly, when they are not. */
export function sharedBugsAvailable(): boolean {
  const present = existsSync(path.join(SHARED_BUGS_DIR, "README.md"));
  if (!present) {
    console.warn(
      `Skipping tests on the shared bug-case files: ${SHARED_BUGS_DIR} is missing; ` +
        "the copies under __tests__/fixtures/events still run."
    );
  }

  return present;
}

/** Reads a file of the shared corpus. */
export function readSharedFixture(name: string): Buffer {
  return readFileSync(path.join(SHARED_FIXTURES_DIR, name));
}

/** Reads and parses a JSON event, from the repository copies or from the shared bug cases. */
export function readEvent<T>(name: string, from: "local" | "shared" = "local"): T {
  const dir = from === "local" ? LOCAL_EVENTS_DIR : SHARED_BUGS_DIR;

  return JSON.parse(readFileSync(path.join(dir, name), "utf8")) as T;
}
