import { describe, expect, it } from 'vitest';
import { backoffDelayMs, backoffFromEnv, KUBELET_BACKOFF, restartTiming } from './backoff.js';

describe('back-off', () => {
  it('restarts the first crash at once, then 10 s doubling to 300 s', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((s) => backoffDelayMs(s) / 1000);
    expect(delays).toEqual([0, 10, 20, 40, 80, 160, 300, 300, 300]);
  });

  it('resets after ten minutes of running', () => {
    const long = restartTiming({ streak: 5, startedAt: 0, finishedAt: 600_000 }, 600_000);
    expect(long).toEqual({ dueAt: 600_000, nextStreak: 1, backingOff: false });
    const short = restartTiming({ streak: 2, startedAt: 0, finishedAt: 1000 }, 5000);
    expect(short).toEqual({ dueAt: 21_000, nextStreak: 3, backingOff: true });
  });

  it('takes a test-only base from the environment and scales the cap with it', () => {
    expect(backoffFromEnv({})).toEqual(KUBELET_BACKOFF);
    const fast = backoffFromEnv({ PODRUN_BACKOFF_BASE_MS: '100' });
    expect(fast.baseMs).toBe(100);
    expect(fast.maxMs).toBe(3000);
    expect(backoffDelayMs(10, fast)).toBe(3000);
  });
});
