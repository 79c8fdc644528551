// A pod's events, read from the engine's event log (the engine keeps recent events
// in memory), so no state file is needed: Created, Started, Killing, Died...
import { engineEventStream } from '../docker/events.js';
import { Labels } from '../plan/labels.js';
import type { PodRecord } from './records.js';

export interface PodEvent {
  time: Date;
  type: 'Normal' | 'Warning';
  reason: string;
  object: string;
  message: string;
  /** How many times it happened (repeats are folded, as kubectl shows "(x3 over 1m)"). */
  count?: number;
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

/**
 * A pod's events: the engine's container events (Created, Started, Killing, Died)
 * merged with the lifecycle events of whoever supervises the pod (BackOff,
 * Unhealthy, SandboxChanged, FailedPostStartHook ...), oldest first.
 */
export async function podEvents(record: PodRecord): Promise<PodEvent[]> {
  const [engine, reports] = await Promise.all([
    engineEvents(record),
    import('../supervisor/protocol.js').then((m) =>
      m.supervisorPodReports(record.namespace, record.name),
    ),
  ]);
  const lifecycle = (reports[`${record.namespace}/${record.name}`]?.events ?? []).map((event) => ({
    ...event,
    time: new Date(event.time),
  }));
  return [...engine, ...lifecycle].sort((a, b) => a.time.getTime() - b.time.getTime());
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
    if (attributes[Labels.role] === 'marker') continue; // STARTING and TERMINATING markers
    const object = container === 'POD' ? 'sandbox' : `spec.containers{${container}}`;
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
