import { describe, expect, it } from 'vitest';
import { isLess, quantityValue, relaxedJsonPath, sortByJsonPath } from './sort-by.js';

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name },
  ...extra,
});
const names = (items: Array<{ metadata: { name: string } }>) => items.map((i) => i.metadata.name);

describe('--sort-by (kubectl/pkg/cmd/get/sorter.go)', () => {
  it('relaxes the path as kubectl does (customcolumn_test.go cases)', () => {
    expect(relaxedJsonPath('foo.bar')).toBe('{.foo.bar}');
    expect(relaxedJsonPath('{foo.bar}')).toBe('{.foo.bar}');
    expect(relaxedJsonPath('.foo.bar')).toBe('{.foo.bar}');
    expect(relaxedJsonPath('{.foo.bar}')).toBe('{.foo.bar}');
    expect(relaxedJsonPath('')).toBe('');
    for (const bad of ['{foo.bar', 'foo.bar}', '{foo.bar}}', '{{foo.bar}'])
      expect(() => relaxedJsonPath(bad)).toThrow(/unexpected path string/);
  });

  it('orders strings by bytes and numbers by value', () => {
    const items = [pod('web-b'), pod('Web-c'), pod('web-a')];
    expect(names(sortByJsonPath(items, (i) => i, '.metadata.name'))).toEqual([
      'Web-c',
      'web-a',
      'web-b',
    ]);
    const counts = [10, 9, 100].map((n) => pod(`p${n}`, { status: { restarts: n } }));
    expect(names(sortByJsonPath(counts, (i) => i, '{.status.restarts}'))).toEqual([
      'p9',
      'p10',
      'p100',
    ]);
  });

  it('compares strings that are both quantities by their value', () => {
    const items = ['2', '100m', '1Gi', '10'].map((q) => pod(q, { spec: { cpu: q } }));
    expect(names(sortByJsonPath(items, (i) => i, '.spec.cpu'))).toEqual(['100m', '2', '10', '1Gi']);
    expect(quantityValue('1.5k')).toBe(1500);
    expect(quantityValue('1e3')).toBe(1000);
    expect(quantityValue('web')).toBeUndefined();
  });

  it('puts objects without the field first (later ones ahead, as insertion sort with that Less)', () => {
    const items = [pod('b', { x: 2 }), pod('none-1'), pod('a', { x: 1 }), pod('none-2')];
    expect(names(sortByJsonPath(items, (i) => i, '.x'))).toEqual(['none-2', 'none-1', 'a', 'b']);
  });

  it('keeps equal keys in their order', () => {
    const items = [pod('one', { x: 1 }), pod('two', { x: 1 }), pod('zero', { x: 0 })];
    expect(names(sortByJsonPath(items, (i) => i, '.x'))).toEqual(['zero', 'one', 'two']);
  });

  it("fails as kubectl when no object has the field, or it can't be sorted", () => {
    expect(() => sortByJsonPath([pod('a')], (i) => i, '.nope')).toThrow(
      'couldn\'t find any field with path "{.nope}" in the list of objects',
    );
    expect(sortByJsonPath([], (i) => i, '.nope')).toEqual([]);
    expect(() =>
      sortByJsonPath([pod('a', { m: { k: 1 } }), pod('b', { m: { k: 2 } })], (i) => i, '.m'),
    ).toThrow('unsortable type: map');
    // Go's slice case: less only when every element is less (an equal one stops it).
    expect(isLess([1, 2], [2, 3])).toBe(true);
    expect(isLess([1, 2], [1, 3])).toBe(false);
    expect(isLess([2], [1])).toBe(false);
  });
});
