// What a controller sees of one of its pods: plain facts, as the lifecycle's facts.ts
// gives the kubelet side plain container facts. The caller builds them from the pod
// records (owner labels, the pod's status as podStatus computes it); the controllers
// never read the engine.

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface OwnedPod {
  name: string;
  labels: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
  /** When the pod object was created (ms since the epoch). */
  createdAt: number;
  phase: PodPhase;
  /**
   * Whether the pod has a node: on one engine, whether its sandbox exists. An
   * unscheduled pod is the first one a scale-down removes.
   */
  scheduled: boolean;
  /** The pod's Ready condition. */
  ready: boolean;
  /** When Ready last became true (its lastTransitionTime), if it is. */
  readySince?: number;
  /** Restarts summed over the pod's containers. */
  restartCount: number;
  /** Being deleted (deletionTimestamp set): counted by no controller. */
  terminating: boolean;
  /** When a Succeeded or Failed pod ended (its last container's finishedAt). */
  finishedAt?: number;
}

/** Counted by a controller: neither finished nor being deleted (controller.FilterActivePods). */
export function isActive(pod: OwnedPod): boolean {
  return !pod.terminating && pod.phase !== 'Succeeded' && pod.phase !== 'Failed';
}

/** Ready for at least minReadySeconds (podutil.IsPodAvailable). */
export function isAvailable(pod: OwnedPod, minReadySeconds: number, now: number): boolean {
  if (!pod.ready) return false;
  if (minReadySeconds <= 0) return true;
  return pod.readySince !== undefined && pod.readySince + minReadySeconds * 1000 <= now;
}

/** When a Ready but not yet available pod becomes available; undefined if never by itself. */
export function availableAt(pod: OwnedPod, minReadySeconds: number): number | undefined {
  if (!pod.ready || minReadySeconds <= 0 || pod.readySince === undefined) return undefined;
  return pod.readySince + minReadySeconds * 1000;
}

/** An RFC 3339 time as the API writes it (second precision). */
export function apiTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** The earlier of two wake-up times, either possibly unset. */
export function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
