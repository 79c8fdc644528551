import { describe, expect, it } from 'vitest';
import { bulkChoice } from './bulk-choice.js';

const objects = [
  { namespace: 'b', name: 'web', labels: { tier: 'front' } },
  { namespace: 'a', name: 'worker', labels: { tier: 'back' } },
  { namespace: 'a', name: 'api', labels: { tier: 'back' } },
  { namespace: 'a', name: 'bare' },
];

describe('delete --all / -l choice', () => {
  it('is no bulk delete without --all or -l', () => {
    expect(bulkChoice({}, ['web'])).toBeUndefined();
  });

  it('picks every object with --all, and the matching ones with -l, by namespace and name', () => {
    expect(
      bulkChoice({ all: true }, [])
        ?.pick(objects)
        .map((o) => o.name),
    ).toEqual(['api', 'bare', 'worker', 'web']);
    const chosen = bulkChoice({ selector: 'tier=back', allNamespaces: true }, []);
    expect(chosen?.allNamespaces).toBe(true);
    expect(chosen?.pick(objects).map((o) => o.name)).toEqual(['api', 'worker']);
    expect(
      bulkChoice({ selector: '!tier' }, [])
        ?.pick(objects)
        .map((o) => o.name),
    ).toEqual(['bare']);
  });

  it("refuses names with a selector, and a selector kubectl's syntax does not allow", () => {
    expect(() => bulkChoice({ selector: 'tier=back' }, ['web'])).toThrow(
      'name cannot be provided when a selector is specified',
    );
    expect(() => bulkChoice({ selector: 'tier in back' }, [])).toThrow();
  });
});
