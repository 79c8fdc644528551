// Generated names, as the API server makes them from metadata.generateName: the base,
// cut to leave room, then 5 characters of utilrand's alphabet (no vowels, no 0/1/3, so
// no words and no look-alikes). Randomness is injected, so tests are deterministic.

/** k8s.io/apimachinery/pkg/util/rand's alphabet. */
export const KUBE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A function returning a number in [0, 1), as Math.random. */
export type Random = () => number;

const RANDOM_LENGTH = 5;
/** names.SimpleNameGenerator: a generated name stays within a DNS label (63). */
const MAX_GENERATED_NAME_LENGTH = 63 - RANDOM_LENGTH;
/** 27^5 suffixes: a thousand misses in a row means the random source is broken. */
const MAX_ATTEMPTS = 1000;

export function randomSuffix(random: Random, length = RANDOM_LENGTH): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out += KUBE_ALPHABET[Math.floor(random() * KUBE_ALPHABET.length) % KUBE_ALPHABET.length];
  }
  return out;
}

/**
 * `<base>-<5 random>`, not one of `taken`: the API server would answer a taken name
 * with a conflict and the controller would retry; here the retry is local.
 */
export function generateName(base: string, random: Random, taken: ReadonlySet<string>): string {
  const prefix = `${base}-`.slice(0, MAX_GENERATED_NAME_LENGTH);
  // Bounded: a random source that repeats itself must fail loudly, not spin a process.
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const name = prefix + randomSuffix(random);
    if (!taken.has(name)) return name;
  }
  throw new Error(`no free generated name for ${prefix} after ${MAX_ATTEMPTS} attempts`);
}

/** A deterministic stand-in for Math.random (a fixed-seed 32-bit xorshift), so a step
 * run only to compute status still generates a different name on every call. */
export function spreadRandom(): Random {
  let state = 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}
