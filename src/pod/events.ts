// A pod's events: those podrun records in the pod's event store (event-store.ts:
// Created, Started, Pulled, FailedPostStartHook, Unhealthy, BackOff, Killing,
// SandboxChanged ...), merged with the engine's own container events (its event
// log is kept in memory and short, so it is a secondary source: Killing, Died,
// OOMKilled, the sandbox's Created and Started).
import { engineEventStream } from '../docker/events.js';
import { Labels } from '../plan/labels.js';
import { storedPodEvents } from './event-store.js';
import type { PodEvent, WriterEvents } from './event-types.js';
import type { PodRecord } from './records.js';

export type { PodEvent } from './event-types.js';

export interface PodEventsOptions {
  /**
   * Events of running processes that may not have reached the store yet (the
   * supervisor's, this process's own): each replaces that writer's stored file.
   */
  live?: WriterEvents[];
}

interface DockerEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  time: number;
  timeNano?: number;
}

const REASONS: Record<string, { reason: string; type: PodEvent['type'] }> = {
  create: { reason: 'Created', type: 'Normal' },
  start: { reason: 'Started', type: 'Normal' },
  kill: { reason: 'Killing', type: 'Normal' },
  die: { reason: 'Died', type: 'Normal' },
  oom: { reason: 'OOMKilled', type: 'Warning' },
  destroy: { reason: 'Removed', type: 'Normal' },
};

/** A pod's events, oldest (by last occurrence) first. */
export async function podEvents(
  record: PodRecord,
  options: PodEventsOptions = {},
): Promise<PodEvent[]> {
  const [engine, stored] = await Promise.all([
    engineEvents(record),
    storedPodEvents(record, options.live),
  ]);
  // The store records Created and Started of every init and app container podrun
  // launches; the engine's copies of those would only repeat them.
  const recorded = new Set(
    stored.filter((e) => e.reason === 'Created' || e.reason === 'Started').map((e) => e.object),
  );
  const extra = engine.filter(
    (e) => !((e.reason === 'Created' || e.reason === 'Started') && recorded.has(e.object)),
  );
  return [...extra, ...stored].sort((a, b) => a.time.getTime() - b.time.getTime());
}

async function engineEvents(record: PodRecord): Promise<PodEvent[]> {
  const since = Math.floor(record.createdAt.getTime() / 1000) - 1;
  const until = Math.floor(Date.now() / 1000) + 1;
  const stream = await engineEventStream({
    since,
    until,
    filters: {
      type: ['container'],
      event: ['create', 'start', 'kill', 'die', 'oom', 'destroy'],
      label: [`${Labels.namespace}=${record.namespace}`, `${Labels.pod}=${record.name}`],
    },
  });
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
  const events: PodEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const event = JSON.parse(line) as DockerEvent;
    const known = REASONS[event.Action.split(':')[0] ?? ''];
    if (!known) continue;
    const attributes = event.Actor.Attributes;
    const container = attributes[Labels.container] ?? '?';
    if (attributes[Labels.role] === 'marker') continue; // markers and the event store
    // The kubelet says nothing when a sandbox is made and started; and the engine
    // keeps only its last 256 events, so on a busy engine these would come and go
    // from one describe to the next. A sandbox that dies or is killed still shows.
    if (container === 'POD' && (event.Action === 'create' || event.Action === 'start')) continue;
    const object =
      container === 'POD'
        ? 'sandbox'
        : `spec.${attributes[Labels.role] === 'init' ? 'initContainers' : 'containers'}{${container}}`;
    let message = `${known.reason} container ${container}`;
    if (event.Action === 'create') message = `Created container ${container} (${attributes.image})`;
    if (event.Action === 'die')
      message = `Container ${container} exited with code ${attributes.exitCode}`;
    if (event.Action === 'kill')
      message = `Stopping container ${container} (signal ${attributes.signal})`;
    const type = event.Action === 'die' && attributes.exitCode !== '0' ? 'Warning' : known.type;
    events.push({
      time: new Date((event.timeNano ?? event.time * 1e9) / 1e6),
      type,
      reason: known.reason,
      object,
      message,
    });
  }
  return events;
}
