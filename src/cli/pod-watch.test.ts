import { describe, expect, it } from 'vitest';
import { type WatchedRow, watchChanges } from './pod-watch.js';

const row = (key: string, state: string): WatchedRow => ({ key, state, cells: [key, state] });

describe('watchChanges (get -w)', () => {
  it('prints a row for a new pod, a changed pod and a gone pod, none for an unchanged one', () => {
    const before = new Map([
      ['a', row('a', 'Running')],
      ['b', row('b', 'Running')],
      ['c', row('c', 'Running')],
    ]);
    const { rows, next } = watchChanges(before, [
      row('a', 'Running'),
      row('b', 'Terminating'),
      row('d', 'Pending'),
    ]);
    expect(rows).toEqual([
      ['b', 'Terminating'],
      ['d', 'Pending'],
      ['c', 'Running'],
    ]);
    expect([...next.keys()]).toEqual(['a', 'b', 'd']);
    expect(watchChanges(next, [...next.values()]).rows).toEqual([]);
  });
});
