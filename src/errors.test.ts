import { describe, expect, it } from 'vitest';
import { statusOf } from './docker/errors.js';
import { aggregate, CleanupError, exitCodeOf, PodrunError } from './errors.js';
import { ManifestError } from './manifest/errors.js';
import { ApplyInterrupted } from './pod/apply.js';
import { PodNotFoundError, PodStartError } from './pod/errors.js';

describe('PodrunError', () => {
  it('carries the exit code the CLI ends with; 1 unless the error says otherwise', () => {
    expect(exitCodeOf(new PodNotFoundError('default', 'web'))).toBe(1);
    expect(exitCodeOf(new ApplyInterrupted('interrupted'))).toBe(130);
    expect(exitCodeOf(new PodrunError('x', { exitCode: 3 }))).toBe(3);
    expect(exitCodeOf(new Error('not ours'))).toBe(1);
    expect(exitCodeOf(Object.assign(new Error('duck'), { exitCode: 7 }))).toBe(1);
    expect(new ManifestError([])).toBeInstanceOf(PodrunError);
  });

  it('keeps the engine error as cause, so status predicates still see it', () => {
    const engine = Object.assign(new Error('(HTTP code 409) conflict - name in use'), {
      statusCode: 409,
    });
    const wrapped = new PodStartError('pod sandbox: create failed: name in use', { cause: engine });
    expect(statusOf(wrapped)).toBe(409);
    expect(statusOf(new PodStartError('no cause'))).toBeUndefined();
    expect(wrapped.name).toBe('PodStartError');
  });
});

describe('aggregate', () => {
  it('names each failure on a line of its own (first line of each)', () => {
    const error = aggregate(
      [new Error('container a: busy'), new Error('volume v: in use\nsecond line dropped')],
      'rollback',
    );
    expect(error).toBeInstanceOf(CleanupError);
    expect(error?.errors).toHaveLength(2);
    expect(error?.message).toBe('rollback: 2 failures:\n  container a: busy\n  volume v: in use');
    expect(aggregate([])).toBeUndefined();
    expect(aggregate([new Error('one')], 'cleanup')?.message).toBe('cleanup: one');
  });
});
