// Pure rules for a pod's stored events: fold repeats as the kubelet's event
// correlator does (one event per object, reason and message, with a count and its
// first and last time), bound each writer's list (a count, and a TTL as the API
// server's event TTL), and merge the lists of every writer into what `describe` shows.
import type { PodEvent, StoredEvent, WriterEvents } from './event-types.js';

/** Events per writer per pod that are kept (the newest). */
export const EVENTS_PER_WRITER = 100;

/**
 * Events whose last occurrence is older than this are dropped. The API server's
 * default is 1 h; podrun keeps 2 h so that a pod started an hour ago still shows
 * how it started.
 */
export const EVENT_TTL_MS = 2 * 60 * 60 * 1000;

function keyOf(event: Omit<PodEvent, 'time'>): string {
  return JSON.stringify([event.type, event.reason, event.object, event.message]);
}

/** Fold events with the same type, reason, object and message; oldest (by last time) first. */
export function foldEvents(events: PodEvent[]): PodEvent[] {
  const byKey = new Map<string, PodEvent>();
  for (const event of events) {
    const key = keyOf(event);
    const first = event.firstTime ?? event.time;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...event, count: event.count ?? 1, firstTime: first });
      continue;
    }
    seen.count = (seen.count ?? 1) + (event.count ?? 1);
    if (first < (seen.firstTime ?? seen.time)) seen.firstTime = first;
    if (event.time > seen.time) seen.time = event.time;
  }
  return [...byKey.values()]
    .map((event) =>
      event.count === 1 || event.firstTime?.getTime() === event.time.getTime()
        ? { ...event, firstTime: undefined, count: event.count === 1 ? undefined : event.count }
        : event,
    )
    .sort((a, b) => a.time.getTime() - b.time.getTime());
}

/** Drop events past the TTL, then keep the newest `max`. */
export function boundEvents(
  events: PodEvent[],
  now: number,
  max = EVENTS_PER_WRITER,
  ttlMs = EVENT_TTL_MS,
): PodEvent[] {
  const fresh = events.filter((event) => now - event.time.getTime() <= ttlMs);
  return fresh.slice(Math.max(0, fresh.length - max));
}

export function toStored(event: PodEvent): StoredEvent {
  const { time, firstTime, ...rest } = event;
  return {
    ...rest,
    time: time.toISOString(),
    ...(firstTime ? { firstTime: firstTime.toISOString() } : {}),
  };
}

export function fromStored(event: StoredEvent): PodEvent {
  const { time, firstTime, ...rest } = event;
  return {
    ...rest,
    time: new Date(time),
    ...(firstTime ? { firstTime: new Date(firstTime) } : {}),
  };
}

/** What one writer stores for a pod: its events folded and bounded. */
export function writerFile(
  writer: string,
  podUid: string | undefined,
  events: PodEvent[],
  now: number,
): WriterEvents {
  return { writer, podUid, events: boundEvents(foldEvents(events), now).map(toStored) };
}

/** A writer's file as read back; undefined when it is not one (never throws). */
export function parseWriterFile(text: string): WriterEvents | undefined {
  try {
    const value = JSON.parse(text) as WriterEvents;
    if (typeof value?.writer !== 'string' || !Array.isArray(value.events)) return undefined;
    const events = value.events.filter(
      (e) =>
        typeof e?.reason === 'string' &&
        typeof e.message === 'string' &&
        !Number.isNaN(Date.parse(e.time)),
    );
    return { ...value, events };
  } catch {
    return undefined;
  }
}

/**
 * Every writer's events of one pod, merged: a live list (a running process's memory,
 * newer than its file) replaces that writer's file; files of another pod uid (an
 * earlier pod of the same name) are left out; repeats across writers fold.
 */
export function mergeWriters(
  files: WriterEvents[],
  live: WriterEvents[],
  podUid: string | undefined,
  now: number,
): PodEvent[] {
  const byWriter = new Map<string, WriterEvents>();
  for (const file of files) byWriter.set(file.writer, file);
  for (const list of live) byWriter.set(list.writer, list);
  const events: PodEvent[] = [];
  for (const list of byWriter.values()) {
    if (podUid && list.podUid && list.podUid !== podUid) continue;
    events.push(...list.events.map(fromStored));
  }
  return boundEvents(foldEvents(events), now, Number.POSITIVE_INFINITY);
}
