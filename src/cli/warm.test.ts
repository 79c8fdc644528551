import { describe, expect, it } from 'vitest';
import { envDifference, warmEligible, warmEnv } from './warm.js';

describe('warmEligible', () => {
  it('takes get, describe and logs', () => {
    expect(warmEligible(['logs', 'web', '-c', 'app', '--tail', '5'])).toBe(true);
    expect(warmEligible(['logs', '-l', 'app=web', '--prefix'])).toBe(true);
    expect(warmEligible(['get', 'pods'])).toBe(true);
    expect(warmEligible(['get', 'pods', '-o', 'wide', '-A'])).toBe(true);
    expect(warmEligible(['describe', 'pod', 'web', '-n', 'x'])).toBe(true);
  });

  it('leaves verbs that change something or read input to the CLI', () => {
    for (const verb of ['apply', 'delete', 'exec', 'up', 'supervisor', 'cp', 'port-forward'])
      expect(warmEligible([verb, 'x'])).toBe(false);
    expect(warmEligible([])).toBe(false);
  });

  it('leaves watches, follows, help, logging flags and files to the CLI', () => {
    expect(warmEligible(['logs', 'web', '-f'])).toBe(false);
    expect(warmEligible(['logs', 'web', '--follow'])).toBe(false);
    expect(warmEligible(['logs', 'web', '-pf'])).toBe(false);
    // -w is not a logs flag, -f not a get one.
    expect(warmEligible(['logs', 'web', '-p'])).toBe(true);
    expect(warmEligible(['get', 'pods', '-w'])).toBe(false);
    expect(warmEligible(['get', 'pods', '--watch'])).toBe(false);
    expect(warmEligible(['get', 'pods', '--watch-only'])).toBe(false);
    expect(warmEligible(['get', 'pods', '-Aw'])).toBe(false);
    expect(warmEligible(['get', '--help'])).toBe(false);
    expect(warmEligible(['get', 'pods', '--log-level=debug'])).toBe(false);
    expect(warmEligible(['get', 'pods', '--log-level', 'debug'])).toBe(false);
    expect(warmEligible(['get', 'pods', '-o', 'custom-columns-file=cols.txt'])).toBe(false);
    expect(warmEligible(['get', 'pods', '-ocustom-columns-file=cols.txt'])).toBe(false);
  });

  it('does not mistake a value for a flag', () => {
    expect(warmEligible(['get', 'pods', '-o', 'wide'])).toBe(true);
    expect(warmEligible(['get', 'pods', '-l', 'app=web'])).toBe(true);
  });
});

describe('warmEnv', () => {
  it('picks PODRUN_* and DOCKER_* but not the opt-out or the bench probes', () => {
    expect(
      warmEnv({
        PODRUN_A: '1',
        DOCKER_HOST: 'unix:///x',
        HOME: '/root',
        PODRUN_NO_WARM: '1',
        PODRUN_BENCH_TRACE: '/tmp/t',
      }),
    ).toEqual({ DOCKER_HOST: 'unix:///x', PODRUN_A: '1' });
  });

  it('names the first difference', () => {
    expect(envDifference({ A: '1' }, { A: '1' })).toBeUndefined();
    expect(envDifference({ A: '1' }, { A: '2' })).toBe('A differs');
    expect(envDifference({}, { B: '1' })).toBe('B differs');
  });
});
