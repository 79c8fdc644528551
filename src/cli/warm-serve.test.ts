import { describe, expect, it } from 'vitest';
import { warmEnv } from './warm.js';
import { refusal } from './warm-serve.js';

const host = { build: './main.js@1' };
const request = (over: Record<string, unknown> = {}) => ({
  op: 'cli' as const,
  argv: ['get', 'pods'],
  env: warmEnv(),
  build: host.build,
  ...over,
});

describe('refusal', () => {
  it('accepts the same build, settings and a warm verb', () => {
    expect(refusal(request(), host)).toBeUndefined();
  });

  it('refuses another build: the supervisor runs older code', () => {
    expect(refusal(request({ build: './main.js@2' }), host)).toBe('another build');
  });

  it('refuses other settings, naming the first that differs', () => {
    expect(refusal(request({ env: { ...warmEnv(), PODRUN_ZZ_TEST: '1' } }), host)).toBe(
      'PODRUN_ZZ_TEST differs',
    );
  });

  it('refuses what is not a warm verb, also when a client asks anyway', () => {
    expect(refusal(request({ argv: ['apply', '-f', 'x.yaml'] }), host)).toBe('not a warm verb');
    expect(refusal(request({ argv: 'get pods' }), host)).toBe('not a warm verb');
  });
});
