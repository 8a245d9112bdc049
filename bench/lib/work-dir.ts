import { join } from "node:path";

/** The repository root. */
export const ROOT = join(__dirname, "..", "..");

/** Scratch space of the bench (ignored by git); images are cached here between runs. */
export const WORK = join(ROOT, "bench", ".work");

/** Generated input images, kept between runs (they are deterministic). */
export const IMAGES = join(WORK, "images");

/** The CPU that one-core figures are pinned to; the harness itself runs anywhere. */
export const BENCH_CPU = 1;
