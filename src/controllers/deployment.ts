// The Deployment controller's sync (pkg/controller/deployment: sync.go, rolling.go,
// recreate.go, progress.go) as a pure function of the Deployment (with the status it
// last had), its ReplicaSets (with the status syncReplicaSet last reported), its pods
// and the clock. It never touches pods itself: it creates and scales ReplicaSets, and
// each ReplicaSet's own step creates and deletes pods. One step does one thing, as the
// real controller's sync does (scale up, or scale down, or clean up), and the caller
// runs it again once the ReplicaSets' statuses move.
import type {
  Deployment,
  DeploymentCondition,
  DeploymentStatus,
  ReplicaSet,
} from 'kubernetes-types/apps/v1.js';
import { apiTime, type OwnedPod } from './facts.js';
import { POD_TEMPLATE_HASH_LABEL, podTemplateHash, sameTemplate } from './hash.js';
import {
  type ControllerIntent,
  type ControllerStep,
  controllerReference,
  type Owner,
} from './intents.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';

/** The API server's defaults for a Deployment's spec. */
export const DEPLOYMENT_DEFAULTS = {
  replicas: 1,
  maxSurge: '25%',
  maxUnavailable: '25%',
  revisionHistoryLimit: 10,
  progressDeadlineSeconds: 600,
} as const;

export interface DeploymentInput {
  /** The Deployment with the status the previous step stored (or none yet). */
  deployment: Deployment;
  /** Every ReplicaSet it owns, each with a current status (syncReplicaSet's). */
  replicaSets: readonly ReplicaSet[];
  /** Every pod of those ReplicaSets, terminating ones too (Recreate waits for them). */
  pods: readonly OwnedPod[];
  now: number;
}

export function deploymentOwner(d: Deployment): Owner {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: d.metadata?.name ?? '',
    uid: d.metadata?.uid,
  };
}

// --- int-or-percent and the fenceposts -------------------------------------------------

/**
 * intstr.GetScaledValueFromIntOrPercent: an integer as is; a percentage of `total`,
 * rounded up (maxSurge) or down (maxUnavailable).
 */
export function scaledValue(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const percent = Number.parseInt(value, 10);
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** deploymentutil.ResolveFenceposts: surge up, unavailable down, never both 0. */
export function resolveFenceposts(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const replicas = d.spec?.replicas ?? DEPLOYMENT_DEFAULTS.replicas;
  const rolling = d.spec?.strategy?.rollingUpdate;
  const maxSurge = scaledValue(rolling?.maxSurge ?? DEPLOYMENT_DEFAULTS.maxSurge, replicas, true);
  let maxUnavailable = scaledValue(
    rolling?.maxUnavailable ?? DEPLOYMENT_DEFAULTS.maxUnavailable,
    replicas,
    false,
  );
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

function isRolling(d: Deployment): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** deploymentutil.MaxUnavailable: 0 for Recreate or no replicas, at most the replicas. */
export function maxUnavailable(d: Deployment): number {
  const replicas = d.spec?.replicas ?? DEPLOYMENT_DEFAULTS.replicas;
  if (!isRolling(d) || replicas === 0) return 0;
  return Math.min(resolveFenceposts(d).maxUnavailable, replicas);
}

/** deploymentutil.MaxSurge: 0 for Recreate. */
export function maxSurge(d: Deployment): number {
  return isRolling(d) ? resolveFenceposts(d).maxSurge : 0;
}

// --- ReplicaSet bookkeeping -----------------------------------------------------------

const specReplicas = (rs: ReplicaSet) => rs.spec?.replicas ?? 1;
const revisionOf = (rs: ReplicaSet) =>
  Number.parseInt(rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? '0', 10) || 0;
const createdAt = (rs: ReplicaSet) => Date.parse(rs.metadata?.creationTimestamp ?? '') || 0;
const sum = (list: readonly ReplicaSet[], of: (rs: ReplicaSet) => number) =>
  list.reduce((total, rs) => total + of(rs), 0);
const actual = (rs: ReplicaSet) => rs.status?.replicas ?? 0;
const available = (rs: ReplicaSet) => rs.status?.availableReplicas ?? 0;
const ready = (rs: ReplicaSet) => rs.status?.readyReplicas ?? 0;

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  return (
    createdAt(a) - createdAt(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '')
  );
}

/**
 * One step's working state: the ReplicaSets as the intents so far leave them, so a
 * scale-down computed after a scale-up in the same step sees the new sizes.
 */
class Work {
  readonly intents: ControllerIntent[] = [];
  readonly sets: ReplicaSet[];

  constructor(sets: readonly ReplicaSet[]) {
    this.sets = sets.map((rs) => structuredClone(rs));
  }

  scale(rs: ReplicaSet, replicas: number, d: Deployment): boolean {
    const annotations = {
      [DESIRED_REPLICAS_ANNOTATION]: String(d.spec?.replicas ?? DEPLOYMENT_DEFAULTS.replicas),
      [MAX_REPLICAS_ANNOTATION]: String(
        (d.spec?.replicas ?? DEPLOYMENT_DEFAULTS.replicas) + maxSurge(d),
      ),
    };
    const current = rs.metadata?.annotations ?? {};
    const annotated = Object.entries(annotations).every(([k, v]) => current[k] === v);
    if (specReplicas(rs) === replicas && annotated) return false;
    const sizeChanged = specReplicas(rs) !== replicas;
    rs.spec = { ...rs.spec!, replicas };
    rs.metadata = { ...rs.metadata, annotations: { ...current, ...annotations } };
    this.intents.push({
      kind: 'scale-replicaset',
      name: rs.metadata.name ?? '',
      replicas,
      annotations,
    });
    return sizeChanged;
  }
}

// --- the step -------------------------------------------------------------------------

export function syncDeployment(input: DeploymentInput): ControllerStep<DeploymentStatus> {
  const { deployment: d, now } = input;
  const work = new Work(input.replicaSets);
  const status: DeploymentStatus = structuredClone(d.status ?? {});
  status.conditions ??= [];
  const step = new Step(d, work, status, input.pods, now);
  return step.run();
}

class Step {
  private readonly replicas: number;

  constructor(
    private readonly d: Deployment,
    private readonly work: Work,
    private readonly status: DeploymentStatus,
    private readonly pods: readonly OwnedPod[],
    private readonly now: number,
  ) {
    this.replicas = d.spec?.replicas ?? DEPLOYMENT_DEFAULTS.replicas;
  }

  run(): ControllerStep<DeploymentStatus> {
    this.checkPausedConditions();
    if (this.d.spec?.paused || this.isScalingEvent()) return this.sync();
    return isRolling(this.d) ? this.rolloutRolling() : this.rolloutRecreate();
  }

  private done(
    withProgress: boolean,
    newRS: ReplicaSet | undefined,
  ): ControllerStep<DeploymentStatus> {
    const status = this.calculateStatus(newRS);
    let wakeAt: number | undefined;
    if (withProgress) wakeAt = this.syncRolloutStatus(status, newRS);
    return { intents: this.work.intents, status, ...(wakeAt === undefined ? {} : { wakeAt }) };
  }

  // The new ReplicaSet is the one whose template is the Deployment's (pod-template-hash
  // aside); the oldest such, should there be several.
  private findNewRS(): ReplicaSet | undefined {
    return [...this.work.sets]
      .sort(byCreation)
      .find((rs) => sameTemplate(rs.spec?.template, this.d.spec?.template));
  }

  private oldRSs(newRS: ReplicaSet | undefined): ReplicaSet[] {
    return this.work.sets.filter((rs) => rs !== newRS).sort(byCreation);
  }

  /**
   * getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when `create` and
   * none exists) with its revision moved past every old one's.
   */
  private newReplicaSet(create: boolean): ReplicaSet | undefined {
    const existing = this.findNewRS();
    const old = this.oldRSs(existing);
    const newRevision = Math.max(0, ...old.map(revisionOf)) + 1;
    if (existing) {
      if (revisionOf(existing) < newRevision) {
        const annotations = { [REVISION_ANNOTATION]: String(newRevision) };
        existing.metadata = {
          ...existing.metadata,
          annotations: { ...existing.metadata?.annotations, ...annotations },
        };
        this.work.intents.push({
          kind: 'annotate-replicaset',
          name: existing.metadata.name ?? '',
          annotations,
        });
      }
      if (!conditionOf(this.status, 'Progressing')) {
        this.setCondition(
          'Progressing',
          'True',
          'FoundNewReplicaSet',
          `Found new replica set "${existing.metadata?.name}"`,
        );
      }
      return existing;
    }
    if (!create) return undefined;
    return this.createNewRS(old, newRevision);
  }

  private createNewRS(old: readonly ReplicaSet[], revision: number): ReplicaSet {
    const d = this.d;
    const taken = new Map(this.work.sets.map((rs) => [rs.metadata?.name, rs]));
    let collisions = this.status.collisionCount;
    let hash = podTemplateHash(d.spec?.template, collisions);
    let name = `${d.metadata?.name}-${hash}`;
    // A ReplicaSet of that name with another template is a hash collision: count it
    // and hash again, as the controller does.
    while (taken.has(name)) {
      collisions = (collisions ?? 0) + 1;
      hash = podTemplateHash(d.spec?.template, collisions);
      name = `${d.metadata?.name}-${hash}`;
    }
    if (collisions !== undefined) this.status.collisionCount = collisions;
    const template = structuredClone(d.spec?.template ?? {});
    template.metadata = {
      ...template.metadata,
      labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash },
    };
    const selector = structuredClone(d.spec?.selector ?? {});
    selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
    const owner = deploymentOwner(d);
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: d.metadata?.namespace,
        labels: { ...template.metadata.labels },
        annotations: {
          ...d.metadata?.annotations,
          [REVISION_ANNOTATION]: String(revision),
          [DESIRED_REPLICAS_ANNOTATION]: String(this.replicas),
          [MAX_REPLICAS_ANNOTATION]: String(this.replicas + maxSurge(d)),
        },
        ownerReferences: [controllerReference(owner)],
        creationTimestamp: apiTime(this.now),
      },
      spec: {
        replicas: this.newRSNewReplicas(old, undefined),
        minReadySeconds: d.spec?.minReadySeconds ?? 0,
        selector,
        template,
      },
      status: { replicas: 0 },
    };
    // The annotations a Deployment keeps for kubectl are not copied to its ReplicaSets.
    delete rs.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
    this.work.sets.push(rs);
    this.work.intents.push({ kind: 'create-replicaset', replicaSet: structuredClone(rs) });
    this.setCondition(
      'Progressing',
      'True',
      'NewReplicaSetCreated',
      `Created new replica set "${name}"`,
    );
    return rs;
  }

  /** deploymentutil.NewRSNewReplicas: how big the new ReplicaSet may be now. */
  private newRSNewReplicas(old: readonly ReplicaSet[], newRS: ReplicaSet | undefined): number {
    if (!isRolling(this.d)) return this.replicas;
    const newSize = newRS ? specReplicas(newRS) : 0;
    const all = newRS ? [...old, newRS] : old;
    const current = sum(all, specReplicas);
    const maxTotal = this.replicas + maxSurge(this.d);
    if (current >= maxTotal) return newSize;
    const scaleUp = Math.min(maxTotal - current, this.replicas - newSize);
    return newSize + Math.max(0, scaleUp);
  }

  // --- RollingUpdate (rolling.go) -------------------------------------------------

  private rolloutRolling(): ControllerStep<DeploymentStatus> {
    const newRS = this.newReplicaSet(true)!;
    const old = this.oldRSs(newRS);
    if (this.reconcileNewReplicaSet(newRS, old)) return this.done(true, newRS);
    if (this.reconcileOldReplicaSets(newRS, old)) return this.done(true, newRS);
    if (this.complete(this.calculateStatus(newRS))) this.cleanup(old);
    return this.done(true, newRS);
  }

  private reconcileNewReplicaSet(newRS: ReplicaSet, old: readonly ReplicaSet[]): boolean {
    const size = specReplicas(newRS);
    if (size === this.replicas) return false;
    if (size > this.replicas) return this.work.scale(newRS, this.replicas, this.d);
    return this.work.scale(newRS, this.newRSNewReplicas(old, newRS), this.d);
  }

  private reconcileOldReplicaSets(newRS: ReplicaSet, old: readonly ReplicaSet[]): boolean {
    const activeOld = old.filter((rs) => specReplicas(rs) > 0);
    if (sum(activeOld, specReplicas) === 0) return false;
    const all = [...activeOld, newRS];
    const minAvailable = this.replicas - maxUnavailable(this.d);
    const newRSUnavailable = specReplicas(newRS) - available(newRS);
    const maxScaledDown = sum(all, specReplicas) - minAvailable - newRSUnavailable;
    if (maxScaledDown <= 0) return false;
    // Unhealthy old pods go first: they count for nothing.
    let cleaned = 0;
    for (const rs of activeOld) {
      if (cleaned >= maxScaledDown) break;
      const unhealthy = specReplicas(rs) - available(rs);
      if (specReplicas(rs) === 0 || unhealthy <= 0) continue;
      const count = Math.min(maxScaledDown - cleaned, unhealthy);
      this.work.scale(rs, specReplicas(rs) - count, this.d);
      cleaned += count;
    }
    // Then as many available ones as keep minAvailable.
    let scaledDown = 0;
    const availableCount = sum([...old, newRS], available);
    if (availableCount > minAvailable) {
      const total = availableCount - minAvailable;
      for (const rs of activeOld) {
        if (scaledDown >= total) break;
        if (specReplicas(rs) === 0) continue;
        const count = Math.min(specReplicas(rs), total - scaledDown);
        this.work.scale(rs, specReplicas(rs) - count, this.d);
        scaledDown += count;
      }
    }
    return cleaned + scaledDown > 0;
  }

  // --- Recreate (recreate.go) -----------------------------------------------------

  private rolloutRecreate(): ControllerStep<DeploymentStatus> {
    let newRS = this.newReplicaSet(false);
    const old = this.oldRSs(newRS);
    let scaledDown = false;
    for (const rs of old) {
      if (specReplicas(rs) > 0) scaledDown = this.work.scale(rs, 0, this.d) || scaledDown;
    }
    if (scaledDown) return this.done(true, newRS);
    if (this.oldPodsRunning(newRS, old)) return this.done(true, newRS);
    newRS ??= this.newReplicaSet(true)!;
    this.work.scale(newRS, this.replicas, this.d);
    if (this.complete(this.calculateStatus(newRS))) this.cleanup(this.oldRSs(newRS));
    return this.done(true, newRS);
  }

  /** Any pod of an old ReplicaSet that has not finished, terminating ones included. */
  private oldPodsRunning(newRS: ReplicaSet | undefined, old: readonly ReplicaSet[]): boolean {
    if (sum(old, actual) > 0) return true;
    const newHash = newRS?.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL];
    return this.pods.some(
      (pod) =>
        pod.labels[POD_TEMPLATE_HASH_LABEL] !== newHash &&
        pod.phase !== 'Succeeded' &&
        pod.phase !== 'Failed',
    );
  }

  // --- paused and scaling (sync.go) -----------------------------------------------

  private isScalingEvent(): boolean {
    const newRS = this.findNewRS();
    const all = [...this.oldRSs(newRS), ...(newRS ? [newRS] : [])];
    return all.some((rs) => {
      if (specReplicas(rs) === 0) return false;
      const desired = rs.metadata?.annotations?.[DESIRED_REPLICAS_ANNOTATION];
      return desired !== undefined && Number(desired) !== this.replicas;
    });
  }

  /** sync: scale (proportionally while a rollout is under way), clean up when paused, report. */
  private sync(): ControllerStep<DeploymentStatus> {
    const newRS = this.newReplicaSet(false);
    const old = this.oldRSs(newRS);
    this.scale(newRS, old);
    if (this.d.spec?.paused) this.cleanup(old);
    return this.done(false, newRS);
  }

  private scale(newRS: ReplicaSet | undefined, old: readonly ReplicaSet[]): void {
    const d = this.d;
    const all = [...old, ...(newRS ? [newRS] : [])];
    const active = all.filter((rs) => specReplicas(rs) > 0);
    // One active ReplicaSet (or none: the newest): it takes the whole size.
    const only =
      active.length === 1
        ? active[0]
        : active.length === 0
          ? (newRS ?? [...old].sort(byCreation).at(-1))
          : undefined;
    if (only) {
      this.work.scale(only, this.replicas, d);
      return;
    }
    if (newRS && this.isSaturated(newRS)) {
      for (const rs of old) if (specReplicas(rs) > 0) this.work.scale(rs, 0, d);
      return;
    }
    if (!isRolling(d)) return;
    // Proportional scaling: every active ReplicaSet grows or shrinks by its share.
    const allowed = this.replicas > 0 ? this.replicas + maxSurge(d) : 0;
    const toAdd = allowed - sum(active, specReplicas);
    const sorted = [...active].sort((a, b) => {
      const size = specReplicas(b) - specReplicas(a);
      if (size !== 0) return size;
      return toAdd > 0 ? byCreation(b, a) : byCreation(a, b);
    });
    const sizes = new Map<ReplicaSet, number>();
    let added = 0;
    for (const rs of sorted) {
      let proportion = 0;
      if (toAdd !== 0 && toAdd !== added) {
        const fraction = this.fraction(rs);
        const left = toAdd - added;
        proportion = toAdd > 0 ? Math.min(fraction, left) : Math.max(fraction, left);
      }
      sizes.set(rs, specReplicas(rs) + proportion);
      added += proportion;
    }
    const first = sorted[0];
    if (first && toAdd !== added) sizes.set(first, Math.max(0, sizes.get(first)! + toAdd - added));
    for (const [rs, size] of sizes) this.work.scale(rs, size, d);
  }

  /** getReplicaSetFraction: its share of the new size, from the size it was made for. */
  private fraction(rs: ReplicaSet): number {
    if (this.replicas === 0) return -specReplicas(rs);
    const deploymentReplicas = this.replicas + maxSurge(this.d);
    const annotated =
      Number(rs.metadata?.annotations?.[MAX_REPLICAS_ANNOTATION]) || this.d.status?.replicas || 0;
    if (annotated === 0) return 0;
    return Math.round((specReplicas(rs) * deploymentReplicas) / annotated) - specReplicas(rs);
  }

  private isSaturated(newRS: ReplicaSet): boolean {
    const desired = Number(newRS.metadata?.annotations?.[DESIRED_REPLICAS_ANNOTATION]);
    return (
      specReplicas(newRS) === this.replicas &&
      desired === this.replicas &&
      available(newRS) === this.replicas
    );
  }

  /** cleanupDeployment: keep revisionHistoryLimit scaled-down old ReplicaSets, the newest. */
  private cleanup(old: readonly ReplicaSet[]): void {
    const limit = this.d.spec?.revisionHistoryLimit ?? DEPLOYMENT_DEFAULTS.revisionHistoryLimit;
    const excess = old.length - limit;
    if (excess <= 0) return;
    const byRevision = [...old].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of byRevision.slice(0, excess)) {
      if (actual(rs) !== 0 || specReplicas(rs) !== 0) continue;
      const name = rs.metadata?.name ?? '';
      this.work.intents.push({
        kind: 'delete-replicaset',
        name,
        reason: `beyond revisionHistoryLimit ${limit}`,
      });
    }
  }

  // --- status (sync.go calculateStatus, progress.go) -------------------------------

  private calculateStatus(newRS: ReplicaSet | undefined): DeploymentStatus {
    const all = this.work.sets;
    const availableReplicas = sum(all, available);
    const unavailable = Math.max(0, sum(all, specReplicas) - availableReplicas);
    const status: DeploymentStatus = {
      ...(this.d.metadata?.generation === undefined
        ? {}
        : { observedGeneration: this.d.metadata.generation }),
      replicas: sum(all, actual),
      updatedReplicas: newRS ? actual(newRS) : 0,
      readyReplicas: sum(all, ready),
      availableReplicas,
      unavailableReplicas: unavailable,
      ...(this.status.collisionCount === undefined
        ? {}
        : { collisionCount: this.status.collisionCount }),
      conditions: structuredClone(this.status.conditions ?? []),
    };
    if (availableReplicas >= this.replicas - maxUnavailable(this.d)) {
      setCondition(
        status,
        this.now,
        'Available',
        'True',
        'MinimumReplicasAvailable',
        'Deployment has minimum availability.',
      );
    } else {
      setCondition(
        status,
        this.now,
        'Available',
        'False',
        'MinimumReplicasUnavailable',
        'Deployment does not have minimum availability.',
      );
    }
    return status;
  }

  /** DeploymentComplete: every replica updated and available, none of the old left. */
  private complete(status: DeploymentStatus): boolean {
    return (
      status.updatedReplicas === this.replicas &&
      status.replicas === this.replicas &&
      status.availableReplicas === this.replicas &&
      (status.observedGeneration ?? 0) >= (this.d.metadata?.generation ?? 0)
    );
  }

  /**
   * syncRolloutStatus: the Progressing condition, from how the status moved since the
   * step before. Returns when the progress deadline would pass, to be woken then.
   */
  private syncRolloutStatus(
    status: DeploymentStatus,
    newRS: ReplicaSet | undefined,
  ): number | undefined {
    const deadline =
      this.d.spec?.progressDeadlineSeconds ?? DEPLOYMENT_DEFAULTS.progressDeadlineSeconds;
    const current = conditionOf(status, 'Progressing');
    const name = newRS?.metadata?.name ?? '';
    const alreadyComplete =
      status.replicas === status.updatedReplicas && current?.reason === 'NewReplicaSetAvailable';
    if (alreadyComplete) return undefined;
    if (this.complete(status)) {
      setCondition(
        status,
        this.now,
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${name}" has successfully progressed.`,
      );
      return undefined;
    }
    if (this.progressing(status)) {
      // Progress made: the deadline starts again (lastUpdateTime), the transition stays.
      const condition = newCondition(
        this.now,
        'Progressing',
        'True',
        'ReplicaSetUpdated',
        newRS ? `ReplicaSet "${name}" is progressing.` : '',
      );
      if (current?.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
      status.conditions = [
        ...(status.conditions ?? []).filter((c) => c.type !== 'Progressing'),
        condition,
      ];
      return this.now + deadline * 1000 + 1000;
    }
    if (current?.reason === 'ProgressDeadlineExceeded') return undefined;
    // DeploymentTimedOut: after a finished rollout nothing is estimated (the status may
    // lag a step behind a template change).
    if (current?.reason === 'NewReplicaSetAvailable') return undefined;
    const since = Date.parse(current?.lastUpdateTime ?? '');
    if (Number.isFinite(since)) {
      const due = since + deadline * 1000;
      if (due < this.now) {
        setCondition(
          status,
          this.now,
          'Progressing',
          'False',
          'ProgressDeadlineExceeded',
          `ReplicaSet "${name}" has timed out progressing.`,
        );
        return undefined;
      }
      return due + 1000;
    }
    return undefined;
  }

  /** DeploymentProgressing: more updated, fewer old, more ready or more available. */
  private progressing(status: DeploymentStatus): boolean {
    const before = this.d.status ?? {};
    const oldBefore = (before.replicas ?? 0) - (before.updatedReplicas ?? 0);
    const oldNow = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
    return (
      (status.updatedReplicas ?? 0) > (before.updatedReplicas ?? 0) ||
      oldNow < oldBefore ||
      (status.readyReplicas ?? 0) > (before.readyReplicas ?? 0) ||
      (status.availableReplicas ?? 0) > (before.availableReplicas ?? 0)
    );
  }

  /** checkPausedConditions: Progressing Unknown while paused, and once resumed. */
  private checkPausedConditions(): void {
    const current = conditionOf(this.status, 'Progressing');
    if (current?.reason === 'ProgressDeadlineExceeded') return;
    const paused = this.d.spec?.paused === true;
    if (paused && current?.reason !== 'DeploymentPaused') {
      this.setCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused');
    } else if (!paused && current?.reason === 'DeploymentPaused') {
      this.setCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed');
    }
  }

  private setCondition(type: string, status: string, reason: string, message: string): void {
    setCondition(this.status, this.now, type, status, reason, message);
  }
}

function conditionOf(status: DeploymentStatus, type: string): DeploymentCondition | undefined {
  return status.conditions?.find((c) => c.type === type);
}

function newCondition(
  now: number,
  type: string,
  status: string,
  reason: string,
  message: string,
): DeploymentCondition {
  const time = apiTime(now);
  return { type, status, reason, message, lastUpdateTime: time, lastTransitionTime: time };
}

/**
 * deploymentutil.SetDeploymentCondition: nothing changes if the status and reason are
 * the same; a new reason with the same status keeps the transition time.
 */
function setCondition(
  target: DeploymentStatus,
  now: number,
  type: string,
  status: string,
  reason: string,
  message: string,
): void {
  const current = conditionOf(target, type);
  if (current && current.status === status && current.reason === reason) return;
  const condition = newCondition(now, type, status, reason, message);
  if (current && current.status === status)
    condition.lastTransitionTime = current.lastTransitionTime;
  target.conditions = [...(target.conditions ?? []).filter((c) => c.type !== type), condition];
}
