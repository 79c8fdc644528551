import { describe, expect, it } from 'vitest';
import {
  boundEvents,
  EVENT_TTL_MS,
  EVENTS_PER_WRITER,
  foldEvents,
  mergeWriters,
  parseWriterFile,
  toStored,
  writerFile,
} from './event-merge.js';
import type { PodEvent, WriterEvents } from './event-types.js';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const event = (reason: string, seconds: number, extra: Partial<PodEvent> = {}): PodEvent => ({
  time: at(seconds),
  type: reason === 'Unhealthy' ? 'Warning' : 'Normal',
  reason,
  object: 'spec.containers{app}',
  message: `${reason} app`,
  ...extra,
});

describe('foldEvents', () => {
  it('folds repeats anywhere in the list into one with count, first and last time', () => {
    const folded = foldEvents([
      event('Created', 0),
      event('Unhealthy', 2),
      event('Killing', 3),
      event('Unhealthy', 4, { count: 2 }),
      event('Unhealthy', 6),
    ]);
    expect(folded.map((e) => [e.reason, e.count])).toEqual([
      ['Created', undefined],
      ['Killing', undefined],
      ['Unhealthy', 4],
    ]);
    expect(folded[2]).toMatchObject({ time: at(6), firstTime: at(2) });
  });

  it('keeps events apart that differ in object or message', () => {
    const folded = foldEvents([
      event('Started', 0),
      event('Started', 1, { object: 'spec.containers{side}' }),
      event('Started', 2, { message: 'other' }),
    ]);
    expect(folded).toHaveLength(3);
    expect(folded.every((e) => e.count === undefined && e.firstTime === undefined)).toBe(true);
  });
});

describe('boundEvents', () => {
  it('drops events whose last time is past the TTL and keeps the newest max', () => {
    const now = T0 + EVENT_TTL_MS + 10_000;
    const events = [event('Old', 0), event('Kept', 20), event('Newer', 30), event('Newest', 40)];
    expect(boundEvents(events, now).map((e) => e.reason)).toEqual(['Kept', 'Newer', 'Newest']);
    expect(boundEvents(events, now, 2).map((e) => e.reason)).toEqual(['Newer', 'Newest']);
  });

  it('a writer file holds at most EVENTS_PER_WRITER folded events', () => {
    const many = Array.from({ length: 300 }, (_, i) =>
      event('Unhealthy', i, { message: `probe failed ${i}` }),
    );
    const file = writerFile('host-1', 'uid', [...many, ...many], T0 + 400_000);
    expect(file.events).toHaveLength(EVENTS_PER_WRITER);
    expect(file.events.at(-1)).toMatchObject({ message: 'probe failed 299', count: 2 });
    expect(file.events[0]?.message).toBe(`probe failed ${300 - EVENTS_PER_WRITER}`);
  });
});

describe('mergeWriters', () => {
  const file = (writer: string, events: PodEvent[], podUid = 'u1'): WriterEvents => ({
    writer,
    podUid,
    events: events.map(toStored),
  });

  it('merges every writer, folding the same event across writers', () => {
    const apply = file('h-10', [event('Created', 0), event('Started', 1)]);
    const oldSupervisor = file('h-20', [event('Unhealthy', 5, { count: 3 })]);
    const newSupervisor = file('h-30', [event('Unhealthy', 50, { count: 2 })]);
    const merged = mergeWriters([apply, oldSupervisor, newSupervisor], [], 'u1', T0 + 60_000);
    expect(merged.map((e) => [e.reason, e.count])).toEqual([
      ['Created', undefined],
      ['Started', undefined],
      ['Unhealthy', 5],
    ]);
    expect(merged[2]).toMatchObject({ firstTime: at(5), time: at(50) });
  });

  it('a live list replaces its own writer file instead of adding to it', () => {
    const stored = file('h-20', [event('Unhealthy', 5, { count: 3 })]);
    // The supervisor's memory, over its socket: no uid, newer than its file.
    const live = { writer: 'h-20', events: [toStored(event('Unhealthy', 9, { count: 4 }))] };
    const merged = mergeWriters([stored], [live], 'u1', T0 + 10_000);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ count: 4, time: at(9) });
  });

  it('leaves out files of an earlier pod of the same name', () => {
    const earlier = file('h-1', [event('Created', 0)], 'u0');
    const current = file('h-2', [event('Started', 1)], 'u1');
    expect(mergeWriters([earlier, current], [], 'u1', T0).map((e) => e.reason)).toEqual([
      'Started',
    ]);
  });
});

describe('parseWriterFile', () => {
  it('reads what writerFile wrote and rejects what it did not', () => {
    const written = writerFile('h-1', 'u1', [event('Created', 0)], T0);
    expect(parseWriterFile(JSON.stringify(written))).toEqual(written);
    expect(parseWriterFile('{not json')).toBeUndefined();
    expect(parseWriterFile('{"events": []}')).toBeUndefined();
    const bad = { writer: 'h', events: [{ reason: 'X', message: 'm', time: 'never' }] };
    expect(parseWriterFile(JSON.stringify(bad))?.events).toEqual([]);
  });
});
