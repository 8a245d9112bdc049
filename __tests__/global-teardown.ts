import { rmSync } from "node:fs";

/** Removes the temporary folder that `global-setup.ts` made for this run. */
export default function globalTeardown(): void {
  const dir = process.env.TMPDIR;
  if (dir && /image-pipeline-tests-[^/]+$/.test(dir)) rmSync(dir, { recursive: true, force: true });
}
