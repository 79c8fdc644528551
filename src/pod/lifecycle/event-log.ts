// Lifecycle events podrun itself emits (Created, Started, BackOff, Unhealthy,
// SandboxChanged, Killing, FailedPostStartHook ...), kept in memory by whoever drives
// the pod (the supervisor, `podrun up`, apply) and written through to the pod's event
// store (../event-store.ts), which outlives the process.
// A message (a probe's output, an engine error) can quote anything: it is stored
// with every Secret value this process has read redacted.
import { scrubSecrets } from '../../log.js';
import type { EventSink, PodEvent } from '../event-types.js';

export type { EventSink };

const PER_POD = 200;

export class EventLog {
  private readonly byPod = new Map<string, PodEvent[]>();

  readonly sink: EventSink = (namespace, pod, raw) => {
    const event = { ...raw, message: scrubSecrets(raw.message) };
    const key = `${namespace}/${pod}`;
    const list = this.byPod.get(key) ?? [];
    const last = list.at(-1);
    // Like the kubelet's event aggregation: a repeat of the last event just bumps it.
    if (last && last.reason === event.reason && last.message === event.message) {
      last.count = (last.count ?? 1) + 1;
      last.time = new Date();
    } else {
      list.push({ ...event, time: new Date() });
    }
    if (list.length > PER_POD) list.splice(0, list.length - PER_POD);
    this.byPod.set(key, list);
  };

  events(namespace: string, pod: string): PodEvent[] {
    return [...(this.byPod.get(`${namespace}/${pod}`) ?? [])];
  }

  forget(namespace: string, pod: string): void {
    this.byPod.delete(`${namespace}/${pod}`);
  }
}
