import { describe, expect, it } from 'vitest';
import { parseManifestText } from './parse.js';
import { manifestObjectCount } from './set-checks.js';

const options = { defaultNamespace: 'default', validate: 'strict' as const };

describe('manifestObjectCount', () => {
  it.each([
    ['separators only', '---\n---\n'],
    ['an empty text', ''],
    ['only comments', '# nothing here\n---\n# nor here\n'],
  ])('is 0 for %s', (_, text) => {
    expect(manifestObjectCount(parseManifestText(text, 'x.yaml', options))).toBe(0);
  });

  it('counts every kind', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
apiVersion: v1
kind: Secret
metadata: {name: b}
`;
    expect(manifestObjectCount(parseManifestText(text, 'x.yaml', options))).toBe(2);
  });
});
