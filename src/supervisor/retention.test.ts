import { describe, expect, it } from 'vitest';
import { AbsenceTracker } from './retention.js';

describe('AbsenceTracker', () => {
  it('forgets a key only after minListings consecutive listings without it', () => {
    const tracker = new AbsenceTracker({ minListings: 2, graceMs: 0 });
    const known = ['a', 'b'];
    expect(tracker.sweep(known, new Set(['a', 'b']), 0)).toEqual([]);
    // b created after this listing was taken: missing once, kept.
    expect(tracker.sweep(known, new Set(['a']), 1)).toEqual([]);
    expect(tracker.sweep(known, new Set(['a', 'b']), 2)).toEqual([]);
    expect(tracker.sweep(known, new Set(['a']), 3)).toEqual([]);
    expect(tracker.sweep(known, new Set(['a']), 4)).toEqual(['b']);
    expect(tracker.size).toBe(0);
  });

  it('waits graceMs as well, counted from the first listing without the key', () => {
    const tracker = new AbsenceTracker({ minListings: 2, graceMs: 60_000 });
    expect(tracker.sweep(['p'], new Set(), 0)).toEqual([]);
    expect(tracker.sweep(['p'], new Set(), 1000)).toEqual([]);
    expect(tracker.sweep(['p'], new Set(), 59_999)).toEqual([]);
    expect(tracker.sweep(['p'], new Set(), 60_000)).toEqual(['p']);
  });

  it('stops watching keys that are no longer known', () => {
    const tracker = new AbsenceTracker({ minListings: 3, graceMs: 0 });
    tracker.sweep(['x'], new Set(), 0);
    expect(tracker.size).toBe(1);
    tracker.sweep([], new Set(), 1);
    expect(tracker.size).toBe(0);
    // Known again later: the count starts over.
    expect(tracker.sweep(['x'], new Set(), 2)).toEqual([]);
    expect(tracker.sweep(['x'], new Set(), 3)).toEqual([]);
    expect(tracker.sweep(['x'], new Set(), 4)).toEqual(['x']);
  });
});
