// Labels the lifecycle adds to the plan's labels when it creates a container. Like
// every podrun label they are the only state: a supervisor that starts cold reads
// back from them where each container stands (which sandbox generation it joined,
// how long its crash streak is) and so loses nothing when it is killed.
export const LifecycleLabels = {
  /** On init/app containers: the attempt of the sandbox they joined. */
  sandboxAttempt: 'io.podrun.sandbox-attempt',
  /** Consecutive quick crashes before this instance was created (drives back-off). */
  crashStreak: 'io.podrun.crash-streak',
  /** Present ("true") on every container of a pod a supervisor should keep alive. */
  supervised: 'io.podrun.supervised',
  /** On the TERMINATING marker: the pod is being deleted, nobody may restart it. */
  marker: 'io.podrun.marker',
  /** Library option publishAllPorts, kept so a rebuilt sandbox publishes the same way. */
  publishAll: 'io.podrun.publish-all',
  /** The pause image the pod was applied with (--pause-image), for every rebuild. */
  pauseImage: 'io.podrun.pause-image',
  /**
   * On init/app containers (made after the sandbox started): the host ports the
   * engine assigned to the sandbox's random bindings, JSON by "port/proto".
   */
  hostPorts: 'io.podrun.host-ports',
  /**
   * The Services whose link variables the pod's containers got when it was applied
   * (JSON, the plan's `services`), so a restart or a rebuilt sandbox gets the same.
   */
  serviceLinks: 'io.podrun.service-links',
} as const;

/**
 * On every container of a pod: the process that created it. A container left
 * `created` (never started) by a process that is gone is started or replaced at
 * once instead of after STALE_CREATED_MS (decide.ts).
 */
export const CreatorLabels = {
  pid: 'io.podrun.creator-pid',
  host: 'io.podrun.creator-host',
} as const;

/** Container name part of the deletion marker (upper case: no Kubernetes container can clash). */
export const TERMINATING_MARKER = 'TERMINATING';

/**
 * Container name part of a pod's event store: created (never started) by the first
 * process that records an event for the pod, it holds one file of events per
 * writing process under /events, and it is removed with the pod. Labelled
 * role=marker like the deletion marker, so nothing counts it as a pod's container.
 */
export const EVENTS_STORE = 'EVENTS';

/** On the TERMINATING marker: the process deleting the pod (a re-apply finishes a dead one's delete). */
export const TerminatingLabels = {
  pid: 'io.podrun.deleter-pid',
  host: 'io.podrun.deleter-host',
} as const;

export function numberLabel(labels: Record<string, string> | undefined, key: string): number {
  const value = Number(labels?.[key] ?? 0);
  return Number.isFinite(value) ? value : 0;
}
