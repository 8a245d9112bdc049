/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the
 * same sequence on every machine, so generated bench images are reproducible.
 * Returns numbers in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);

    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills a byte array with seeded random bytes. */
export function randomBytes(length: number, seed: number): Uint8Array {
  const next = seededRandom(seed);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 1) bytes[i] = Math.floor(next() * 256);

  return bytes;
}
