// The pure part of `podrun rollout`: what kubectl's rollout verbs decide about a
// Deployment, with no engine access. `rolloutStatus` is kubectl's DeploymentStatusViewer
// (pkg/polymorphichelpers/rollout_status.go) over the numbers podrun recomputes from the
// pods and the conditions the supervisor stored; `restarted`, `paused` and `undone` are
// the objects kubectl's restart, pause/resume and undo would write; `revisions` is the
// history `rollout history` prints. The writes go through the store (rollout-write.ts).
import type { Deployment, DeploymentCondition, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { REVISION_ANNOTATION } from '../controllers/deployment.js';
import { sameTemplate } from '../controllers/hash.js';
import type { PodStatusSummary } from '../pod/status.js';

export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
const POD_TEMPLATE_HASH = 'pod-template-hash';

/** What `rollout status` reads: counts recomputed now, the rest as the supervisor stored it. */
export interface RolloutFacts {
  name: string;
  generation: number;
  /** The generation the supervisor's last stored status was computed for (0: none yet). */
  observedGeneration: number;
  conditions: readonly DeploymentCondition[];
  replicas: number;
  /** Pods of every ReplicaSet (not terminating). */
  current: number;
  updated: number;
  available: number;
}

export type RolloutStatus =
  | { done: boolean; message: string; error?: undefined }
  | { done: false; message?: undefined; error: string };

/** kubectl's DeploymentStatusViewer.Status, line for line. */
export function rolloutStatus(facts: RolloutFacts): RolloutStatus {
  if (facts.generation > facts.observedGeneration)
    return { done: false, message: 'Waiting for deployment spec update to be observed...' };
  const name = JSON.stringify(facts.name);
  const progressing = facts.conditions.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded')
    return { done: false, error: `deployment ${name} exceeded its progress deadline` };
  if (facts.updated < facts.replicas)
    return {
      done: false,
      message: `Waiting for deployment ${name} rollout to finish: ${facts.updated} out of ${facts.replicas} new replicas have been updated...`,
    };
  if (facts.current > facts.updated)
    return {
      done: false,
      message: `Waiting for deployment ${name} rollout to finish: ${facts.current - facts.updated} old replicas are pending termination...`,
    };
  if (facts.available < facts.updated)
    return {
      done: false,
      message: `Waiting for deployment ${name} rollout to finish: ${facts.available} of ${facts.updated} updated replicas are available...`,
    };
  return { done: true, message: `deployment ${name} successfully rolled out` };
}

/** `rollout restart`: the template annotated with the time, which rolls every pod. */
export function restarted(d: Deployment, now: Date): Deployment {
  if (d.spec?.paused)
    throw new Error(
      `deployments.apps "${d.metadata?.name}" can't restart paused deployment (run rollout resume first)`,
    );
  const out = structuredClone(d);
  const template = out.spec!.template;
  template.metadata = {
    ...template.metadata,
    annotations: {
      ...template.metadata?.annotations,
      // kubectl writes RFC 3339 with seconds and the local offset; UTC here.
      [RESTARTED_AT_ANNOTATION]: now.toISOString().replace(/\.\d+Z$/, 'Z'),
    },
  };
  return out;
}

/** `rollout pause` / `resume`: undefined when it already is so (kubectl: "already paused"). */
export function paused(d: Deployment, pause: boolean): Deployment | undefined {
  if ((d.spec?.paused === true) === pause) return undefined;
  const out = structuredClone(d);
  if (pause) out.spec!.paused = true;
  else delete out.spec!.paused;
  return out;
}

export interface Revision {
  revision: number;
  replicaSet: ReplicaSet;
  changeCause?: string;
}

/** The Deployment's ReplicaSets by revision, oldest first (`rollout history`). */
export function revisions(sets: readonly ReplicaSet[]): Revision[] {
  return sets
    .map((rs) => ({
      revision: Number(rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? 0) || 0,
      replicaSet: rs,
      changeCause: rs.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION],
    }))
    .filter((r) => r.revision > 0)
    .sort((a, b) => a.revision - b.revision);
}

export type Undo =
  | { kind: 'rolled-back'; deployment: Deployment; revision: number }
  | { kind: 'skipped'; revision: number };

/**
 * `rollout undo [--to-revision=N]` as kubectl's DeploymentRollbacker: the template of
 * revision N (0: the one before the newest), without its pod-template-hash label, put
 * into the Deployment. The controller then finds that ReplicaSet by its template and
 * scales it back up under a new revision.
 */
export function undone(d: Deployment, sets: readonly ReplicaSet[], toRevision = 0): Undo {
  const name = d.metadata?.name ?? '';
  if (d.spec?.paused)
    throw new Error(
      `you cannot rollback a paused deployment; resume it first with 'podrun rollout resume deployment/${name}' and try again`,
    );
  const history = revisions(sets);
  let target: Revision | undefined;
  if (toRevision > 0) {
    target = history.find((r) => r.revision === toRevision);
    if (!target) throw new Error(`unable to find specified revision ${toRevision} in history`);
  } else {
    if (history.length < 2) throw new Error(`no rollout history found for deployment "${name}"`);
    target = history[history.length - 2];
  }
  const template = withoutHash(target!.replicaSet.spec?.template);
  if (sameTemplate(template, d.spec?.template))
    return { kind: 'skipped', revision: target!.revision };
  const out = structuredClone(d);
  out.spec!.template = template;
  return { kind: 'rolled-back', deployment: out, revision: target!.revision };
}

function withoutHash(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const out = structuredClone(template ?? {});
  const labels = { ...out.metadata?.labels };
  delete labels[POD_TEMPLATE_HASH];
  out.metadata = { ...out.metadata, labels };
  return out;
}

/** A new pod's container that keeps failing: what `rollout status` names on failure. */
export interface FailingContainer {
  pod: string;
  container: string;
  containerId: string;
  /** The instance before it, when the container was restarted (its logs, if the current has none). */
  previousId?: string;
  /** CrashLoopBackOff, Error, OOMKilled, ImagePullBackOff, ... or NotReady. */
  reason: string;
  restarts: number;
  exitCode?: number;
}

/**
 * Why the new pods are not available, worst first: a container waiting in a back-off
 * or terminated with a failure, else one that runs but is not Ready.
 */
export function failingContainer(
  pods: ReadonlyArray<{ name: string; status: PodStatusSummary }>,
): FailingContainer | undefined {
  const all = pods.flatMap((pod) =>
    pod.status.containers.map((c) => ({
      pod: pod.name,
      container: c.name,
      containerId: c.containerId,
      previousId: c.lastState?.containerId,
      restarts: c.restarts,
      exitCode: c.exitCode ?? c.lastState?.exitCode,
      reason: c.reason ?? '',
      lastReason: c.lastState?.reason,
      state: c.state,
      ready: c.ready,
    })),
  );
  const rank = (c: (typeof all)[number]): number => {
    if (c.state === 'waiting' && /BackOff$|Err/.test(c.reason)) return 0;
    if (c.state === 'terminated' && c.reason !== 'Completed') return 1;
    if (c.restarts > 0 && !c.ready) return 2;
    if (c.state === 'running' && !c.ready) return 3;
    return 9;
  };
  const worst = [...all].sort((a, b) => rank(a) - rank(b) || b.restarts - a.restarts)[0];
  if (!worst || rank(worst) === 9) return undefined;
  const { state: _state, ready: _ready, lastReason, ...out } = worst;
  // A restarted container caught between back-off and running (ContainerCreating, or
  // running again): what it failed of is how its last run ended.
  const ranked = rank(worst);
  const reason =
    ranked === 3 ? 'NotReady' : ranked === 2 ? lastReason || 'Error' : worst.reason || 'Error';
  return { ...out, reason };
}
