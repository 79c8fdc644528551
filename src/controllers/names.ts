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
  for (;;) {
    const name = prefix + randomSuffix(random);
    if (!taken.has(name)) return name;
  }
}
