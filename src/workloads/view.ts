// Pure reading of the workload objects: a pod record as the controllers see it
// (OwnedPod), which pods and ReplicaSets belong to which owner, and the numbers
// `get deployments`, `get replicasets` and `apply --wait` show, recomputed from the
// pods as the controllers compute them (so every process reads the same answer).
import type { Deployment, ReplicaSet, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import { DEPLOYMENT_DEFAULTS, maxUnavailable } from '../controllers/deployment.js';
import type { OwnedPod } from '../controllers/facts.js';
import { sameTemplate } from '../controllers/hash.js';
import { replicaSetStatus } from '../controllers/replicaset.js';
import type { PodStatusSummary } from '../pod/status.js';

/** What a pod record and its status give the controllers. */
export interface PodFactsInput {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  createdAt: number;
  sandbox: boolean;
  terminating: boolean;
  status: Pick<PodStatusSummary, 'phase' | 'ready' | 'total' | 'restarts'>;
  /** When the newest app container started (ms), the Ready time podrun has (no prober history). */
  startedAt?: number;
  finishedAt?: number;
}

export function ownedPod(input: PodFactsInput): OwnedPod {
  const { status } = input;
  const ready = status.phase === 'Running' && status.total > 0 && status.ready === status.total;
  return {
    name: input.name,
    labels: input.labels ?? {},
    annotations: input.annotations ?? {},
    createdAt: input.createdAt,
    phase: status.phase,
    scheduled: input.sandbox,
    ready,
    ...(ready ? { readySince: input.startedAt ?? input.createdAt } : {}),
    restartCount: status.restarts,
    terminating: input.terminating,
    ...(input.finishedAt === undefined ? {} : { finishedAt: input.finishedAt }),
  };
}

export interface DeploymentNumbers {
  /** spec.replicas */
  replicas: number;
  /** Pods (not terminating) of every ReplicaSet. */
  current: number;
  ready: number;
  /** Pods of the ReplicaSet whose template is the Deployment's. */
  updated: number;
  available: number;
  /** The Available condition: at least replicas - maxUnavailable available. */
  availableCondition: boolean;
  /** Rollout complete: every replica updated and available, no old pod left. */
  complete: boolean;
}

/** A ReplicaSet with its status recomputed from its pods now. */
export function withStatus(
  rs: ReplicaSet,
  pods: readonly OwnedPod[],
  now: number,
): ReplicaSet & { status: ReplicaSetStatus } {
  return { ...rs, status: replicaSetStatus(rs, pods, now).status };
}

/** The numbers of a Deployment from its ReplicaSets (with statuses) as they stand. */
export function deploymentNumbers(d: Deployment, sets: readonly ReplicaSet[]): DeploymentNumbers {
  const replicas = d.spec?.replicas ?? DEPLOYMENT_DEFAULTS.replicas;
  const current = sets.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
  const ready = sets.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0);
  const available = sets.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
  const newRS = sets.find((rs) => sameTemplate(rs.spec?.template, d.spec?.template));
  const updated = newRS?.status?.replicas ?? 0;
  const newAvailable = newRS?.status?.availableReplicas ?? 0;
  return {
    replicas,
    current,
    ready,
    updated,
    available,
    availableCondition: newRS !== undefined && available >= replicas - maxUnavailable(d),
    complete:
      newRS !== undefined &&
      (newRS.spec?.replicas ?? 1) === replicas &&
      updated === replicas &&
      newAvailable === replicas &&
      current === replicas,
  };
}
