import { describe, expect, it } from 'vitest';
import { formatFieldPath, formatIssue, ManifestError } from './errors.js';

describe('formatFieldPath', () => {
  it('writes kubectl-style paths', () => {
    expect(formatFieldPath(['spec', 'containers', 1, 'image'])).toBe('spec.containers[1].image');
    expect(formatFieldPath(['metadata', 'labels', 'app.kubernetes.io/name'])).toBe(
      'metadata.labels[app.kubernetes.io/name]',
    );
    expect(formatFieldPath(['data', 'tls.crt'])).toBe('data[tls.crt]');
    expect(formatFieldPath([])).toBe('');
  });
});

describe('ManifestError', () => {
  it('lists every issue, one per line', () => {
    const error = new ManifestError([
      { location: { file: 'a.yaml', line: 3, column: 5 }, path: ['kind'], message: 'one' },
      { location: { file: 'b.yaml', line: 0, column: 0 }, path: [], message: 'two' },
    ]);
    expect(error.message).toBe('a.yaml:3:5: kind: one\nb.yaml: two');
    expect(error.issues).toHaveLength(2);
    expect(
      formatIssue({ location: { file: 'p', line: 1, column: 2 }, path: [], message: 'm' }),
    ).toBe('p:1:2: m');
  });
});
