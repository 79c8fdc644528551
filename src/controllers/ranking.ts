// Which pods a scale-down removes first: controller.ActivePods' order, as the
// ReplicaSet and Job controllers sort them before deleting the head of the list.
import type { OwnedPod } from './facts.js';

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * Negative when `a` should go before `b`: unscheduled before scheduled; Pending before
 * Unknown before Running; not ready before ready; ready for less time before more;
 * more restarts before fewer; younger before older. (The per-node rank of the real
 * controller is moot on one node.)
 */
export function deletionOrder(a: OwnedPod, b: OwnedPod): number {
  if (a.scheduled !== b.scheduled) return a.scheduled ? 1 : -1;
  const phase = (PHASE_RANK[a.phase] ?? 2) - (PHASE_RANK[b.phase] ?? 2);
  if (phase !== 0) return phase;
  if (a.ready !== b.ready) return a.ready ? 1 : -1;
  if (a.ready && b.ready && a.readySince !== b.readySince) {
    // Ready more recently (a later readySince) goes first; unknown counts as most recent.
    if (a.readySince === undefined) return -1;
    if (b.readySince === undefined) return 1;
    return b.readySince - a.readySince;
  }
  if (a.restartCount !== b.restartCount) return b.restartCount - a.restartCount;
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The `count` pods to delete first. */
export function podsToDelete(pods: readonly OwnedPod[], count: number): OwnedPod[] {
  return [...pods].sort(deletionOrder).slice(0, Math.max(0, count));
}
