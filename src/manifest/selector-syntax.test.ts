import { describe, expect, it } from 'vitest';
import { matchesSelector } from './selector.js';
import { parseSelector, SelectorSyntaxError } from './selector-syntax.js';

const matches = (selector: string, labels: Record<string, string>) =>
  matchesSelector(parseSelector(selector), labels);

describe('parseSelector', () => {
  const web = { app: 'web', tier: 'front', 'example.com/team': 'a' };

  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app = web', true],
    ['app=db', false],
    ['app!=db', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['app in (web,db)', true],
    ['app in (db, cache)', false],
    ['app notin (db)', true],
    ['missing notin (db)', true],
    ['app notin (web)', false],
    ['tier', true],
    ['missing', false],
    ['!missing', true],
    ['!tier', false],
    ['example.com/team=a', true],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
    ['app in (web,db),!missing,tier', true],
    ['', true],
  ])('%s on app=web,tier=front → %s', (selector, want) => {
    expect(matches(selector, web)).toBe(want);
  });

  it('reads an empty value', () => {
    expect(matches('app=', { app: '' })).toBe(true);
    expect(matches('app=', { app: 'web' })).toBe(false);
  });

  it.each([['app=web,'], ['=web'], ['app=we b'], ['app in web'], ['a/b/c=x'], ['app=-x']])(
    'rejects %s with one line',
    (selector) => {
      expect(() => parseSelector(selector)).toThrow(SelectorSyntaxError);
      try {
        parseSelector(selector);
      } catch (error) {
        expect((error as Error).message).toMatch(/^unable to parse selector ".*": [^\n]+$/);
      }
    },
  );
});
