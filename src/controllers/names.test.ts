import { describe, expect, it } from 'vitest';
import { generateName, KUBE_ALPHABET, spreadRandom } from './names.js';

describe('generateName', () => {
  it('cuts the base to leave room for 5 characters of the kube alphabet', () => {
    const name = generateName('x'.repeat(80), Math.random, new Set());
    expect(name).toHaveLength(63);
    expect([...name.slice(-5)].every((c) => KUBE_ALPHABET.includes(c))).toBe(true);
  });

  it('fails loudly, not forever, when the random source repeats a taken name', () => {
    const constant = () => 0;
    const first = generateName('mig', constant, new Set());
    expect(() => generateName('mig', constant, new Set([first]))).toThrow(/no free generated name/);
  });
});

describe('spreadRandom', () => {
  // readWorkloads runs the Job step with it to show counts: a step asking for several
  // pods at once once hung `apply --wait` because every name came out the same.
  it('gives distinct names for many calls in a row', () => {
    const random = spreadRandom();
    const taken = new Set<string>();
    for (let i = 0; i < 200; i++) taken.add(generateName('mig', random, taken));
    expect(taken.size).toBe(200);
  });
});
