/** A seeded pseudo-random source: the same seed gives the same simulation. */
export type Random = {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A bigint in [min, max] (inclusive), e.g. an amount in wei. */
  bigint(min: bigint, max: bigint): bigint;
  /** A new independent stream, e.g. one per scenario, so adding activity elsewhere changes nothing here. */
  fork(label: string): Random;
};

/** 32-bit FNV-1a, to turn labels into seeds. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * mulberry32: small, fast and good enough for simulated activity (not for keys: those come from
 * keccak256 in accounts.ts).
 *
 * @example
 * const random = createRandom(1);
 * random.int(1, 6);
 */
export function createRandom(seed: number | string): Random {
  let state = typeof seed === 'number' ? seed >>> 0 : fnv1a(seed);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    bigint: (min, max) => {
      const span = max - min + 1n;
      // 53 random bits per draw, enough for any amount the simulator draws.
      const draw =
        BigInt(Math.floor(next() * 2 ** 26)) * 2n ** 27n + BigInt(Math.floor(next() * 2 ** 27));
      return min + ((draw * span) >> 53n);
    },
    fork: (label) => createRandom(`${state}:${label}`),
  };
  return random;
}
