// A Service's events, as `kubectl describe svc` shows them. Kubernetes records
// Service events from its service controller only, and only about a load balancer:
// EnsuringLoadBalancer / EnsuredLoadBalancer when it makes or updates one, Type
// "ClusterIP -> LoadBalancer" when a Service moves in or out of that type,
// DeletingLoadBalancer / DeletedLoadBalancer when it moves out. podrun's "load
// balancer" is the proxy's ports published on 127.0.0.1, so podrun records the same
// events, at the moments it does the same things: when it creates or replaces a
// LoadBalancer Service's proxy. Nothing else: endpoints changing is not an event in
// Kubernetes (the Endpoints object changes), nor is kube-proxy re-programming, nor
// the supervisor starting an exited proxy; a ClusterIP or NodePort Service has
// `Events: <none>` there and here.
//
// Where they live: the pod event store (pod/event-store.ts) is keyed by pod and
// lives in a marker container of the pod, so it does not fit. A Service's events
// live in a file of its proxy container (SERVICE_EVENTS_PATH), written once the
// proxy has started; a replacement (changed spec, same uid) reads the old proxy's
// file first and carries its events over, folded as kubectl folds repeats.
import type { Service } from 'kubernetes-types/core/v1.js';
import type { PodEvent } from '../pod/event-types.js';

export const SERVICE_EVENTS_PATH = '/etc/podrun-service-events.json';

/** Events kept per Service, newest last (Kubernetes keeps them an hour; a file, a few). */
export const SERVICE_EVENTS_KEPT = 20;

export type ServiceEvent = Omit<PodEvent, 'object'>;

const typeOf = (service: Service | undefined) => service?.spec?.type ?? 'ClusterIP';

/**
 * What a create or replacement of a Service's proxy records: `startedAt` when podrun
 * began (the service controller's "...ing" event), `doneAt` once the proxy runs.
 */
export function proxyEnsureEvents(
  previous: Service | undefined,
  next: Service,
  times: { startedAt: Date; doneAt: Date },
): ServiceEvent[] {
  const wasBalanced = previous !== undefined && typeOf(previous) === 'LoadBalancer';
  const isBalanced = typeOf(next) === 'LoadBalancer';
  const events: ServiceEvent[] = [];
  const at = (time: Date, reason: string, message: string): ServiceEvent => ({
    time,
    type: 'Normal',
    reason,
    message,
  });
  if (previous && wasBalanced !== isBalanced) {
    events.push(at(times.startedAt, 'Type', `${typeOf(previous)} -> ${typeOf(next)}`));
  }
  if (wasBalanced && !isBalanced) {
    events.push(at(times.startedAt, 'DeletingLoadBalancer', 'Deleting load balancer'));
    events.push(at(times.doneAt, 'DeletedLoadBalancer', 'Deleted load balancer'));
  }
  if (isBalanced) {
    events.push(at(times.startedAt, 'EnsuringLoadBalancer', 'Ensuring load balancer'));
    events.push(at(times.doneAt, 'EnsuredLoadBalancer', 'Ensured load balancer'));
  }
  return events;
}

/** Append `added` to `carried`, folding a repeat (same type, reason, message) into its count. */
export function foldServiceEvents(
  carried: readonly ServiceEvent[],
  added: readonly ServiceEvent[],
  kept = SERVICE_EVENTS_KEPT,
): ServiceEvent[] {
  const events = carried.map((event) => ({ ...event }));
  for (const event of added) {
    const index = events.findIndex(
      (old) =>
        old.type === event.type && old.reason === event.reason && old.message === event.message,
    );
    if (index < 0) {
      events.push({ ...event });
      continue;
    }
    const [old] = events.splice(index, 1);
    events.push({
      ...event,
      count: (old!.count ?? 1) + 1,
      firstTime: old!.firstTime ?? old!.time,
    });
  }
  return events.slice(-kept);
}

export function serializeServiceEvents(events: readonly ServiceEvent[]): string {
  return `${JSON.stringify(
    events.map((event) => ({
      ...event,
      time: event.time.toISOString(),
      ...(event.firstTime ? { firstTime: event.firstTime.toISOString() } : {}),
    })),
  )}\n`;
}

/** The file's events; nothing (not an error) for a missing or unreadable file. */
export function parseServiceEvents(text: string | undefined): ServiceEvent[] {
  if (!text) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { time, type, reason, message, count, firstTime } = entry as Record<string, unknown>;
    if (typeof time !== 'string' || typeof reason !== 'string' || typeof message !== 'string') {
      return [];
    }
    return [
      {
        time: new Date(time),
        type: type === 'Warning' ? 'Warning' : 'Normal',
        reason,
        message,
        ...(typeof count === 'number' ? { count } : {}),
        ...(typeof firstTime === 'string' ? { firstTime: new Date(firstTime) } : {}),
      } satisfies ServiceEvent,
    ];
  });
}
