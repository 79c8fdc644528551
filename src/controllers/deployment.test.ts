import type { Deployment, DeploymentStrategy, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import {
  DESIRED_REPLICAS_ANNOTATION,
  maxSurge,
  maxUnavailable,
  REVISION_ANNOTATION,
  resolveFenceposts,
  syncDeployment,
} from './deployment.js';
import { canonicalJson, podTemplateHash, sameTemplate } from './hash.js';
import { Cluster, type PodBehaviour } from './testing.js';

function deployment(
  replicas: number,
  image = 'web:1',
  strategy?: DeploymentStrategy,
  extra: Partial<Deployment['spec']> = {},
): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'd-1', generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      ...(strategy ? { strategy } : {}),
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'app', image }] },
      },
      ...extra,
    },
  };
}

function setImage(d: Deployment, image: string): void {
  d.spec!.template.spec!.containers[0]!.image = image;
  // The API server bumps it on a spec change (kubernetes-types marks it read-only).
  Object.assign(d.metadata!, { generation: (d.metadata!.generation ?? 1) + 1 });
}

/** Pods become Ready 3 s after creation; an image named `bad` never does. */
const kubelet = (template: PodTemplateSpec): PodBehaviour =>
  template.spec?.containers[0]?.image === 'bad'
    ? { startMs: 1000 }
    : { startMs: 1000, readyMs: 3000 };

const condition = (d: Deployment, type: string) =>
  d.status?.conditions?.find((c) => c.type === type);

/** Runs rounds of 1 s until `done` holds; `each` sees the cluster after every round. */
function runUntil(
  cluster: Cluster,
  d: Deployment,
  done: () => boolean,
  each: () => void = () => {},
  maxRounds = 200,
): number {
  for (let round = 0; round < maxRounds; round++) {
    cluster.syncDeployment(d);
    each();
    if (done()) return round;
    cluster.tick(1000);
  }
  throw new Error(`not done after ${maxRounds} rounds: ${JSON.stringify(d.status)}`);
}

/** What `kubectl rollout status` waits for, and the Progressing condition saying so. */
const isComplete = (d: Deployment) => () =>
  condition(d, 'Progressing')?.reason === 'NewReplicaSetAvailable' &&
  (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
  d.status?.updatedReplicas === d.spec?.replicas &&
  d.status?.replicas === d.spec?.replicas &&
  d.status?.availableReplicas === d.spec?.replicas;

describe('fenceposts', () => {
  it('defaults 25%: surge rounds up, unavailable down', () => {
    expect(resolveFenceposts(deployment(3))).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(resolveFenceposts(deployment(4))).toEqual({ maxSurge: 1, maxUnavailable: 1 });
    expect(resolveFenceposts(deployment(10))).toEqual({ maxSurge: 3, maxUnavailable: 2 });
    expect(resolveFenceposts(deployment(1))).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  it('both 0 after rounding makes maxUnavailable 1; Recreate has neither', () => {
    const d = deployment(5, 'web:1', {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 0, maxUnavailable: '10%' },
    });
    expect(resolveFenceposts(d)).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    const recreate = deployment(5, 'web:1', { type: 'Recreate' });
    expect([maxSurge(recreate), maxUnavailable(recreate)]).toEqual([0, 0]);
    // maxUnavailable never exceeds the replicas.
    expect(maxUnavailable(deployment(2, 'web:1', { rollingUpdate: { maxUnavailable: 5 } }))).toBe(
      2,
    );
  });
});

describe('pod-template-hash', () => {
  const template = deployment(1).spec!.template;

  it('is stable, ignores key order and changes with the template', () => {
    const reordered: PodTemplateSpec = {
      spec: { containers: [{ image: 'web:1', name: 'app' }] },
      metadata: { labels: { app: 'web' } },
    };
    expect(podTemplateHash(reordered)).toBe(podTemplateHash(template));
    expect(podTemplateHash(template)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    const other = structuredClone(template);
    other.spec!.containers[0]!.image = 'web:2';
    expect(podTemplateHash(other)).not.toBe(podTemplateHash(template));
    expect(podTemplateHash(template, 1)).not.toBe(podTemplateHash(template));
  });

  it('keeps its value across podrun versions (a change would roll every Deployment)', () => {
    // FNV-1a 32 of the canonical JSON, decimal, through SafeEncodeString (hash.ts).
    expect(canonicalJson(template)).toBe(
      '{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"web:1","name":"app"}]}}',
    );
    // FNV-1a 32 of "{}" is 1415952421 (computed apart from this code); its digits encoded.
    expect(podTemplateHash({})).toBe('5859f96865');
  });

  it('templates compare equal but for the hash label', () => {
    const labelled = structuredClone(template);
    labelled.metadata!.labels!['pod-template-hash'] = 'abc';
    expect(sameTemplate(labelled, template)).toBe(true);
  });
});

describe('syncDeployment: a new Deployment', () => {
  it('makes a ReplicaSet <deploy>-<hash> labelled and selected by the hash', () => {
    const d = deployment(3);
    const step = syncDeployment({ deployment: d, replicaSets: [], pods: [], now: 5_000_000 });
    const hash = podTemplateHash(d.spec!.template);
    expect(step.intents).toHaveLength(1);
    const [intent] = step.intents;
    if (intent?.kind !== 'create-replicaset') throw new Error(String(intent?.kind));
    const rs = intent.replicaSet;
    expect(rs.metadata?.name).toBe(`web-${hash}`);
    expect(rs.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.metadata?.annotations).toMatchObject({
      [REVISION_ANNOTATION]: '1',
      [DESIRED_REPLICAS_ANNOTATION]: '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(rs.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      name: 'web',
      uid: 'd-1',
    });
    expect(rs.spec?.replicas).toBe(3);
    expect(rs.spec?.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec?.template?.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(condition({ status: step.status }, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetCreated',
    });
    expect(condition({ status: step.status }, 'Available')).toMatchObject({
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
    });
  });

  it('replicas: 3 ends with 3 Ready pods <rs>-<5 random>, Available and complete', () => {
    const cluster = new Cluster(kubelet);
    const d = deployment(3);
    runUntil(cluster, d, isComplete(d));
    const hash = podTemplateHash(d.spec!.template);
    const names = [...cluster.pods.keys()];
    expect(names).toHaveLength(3);
    for (const name of names) {
      expect(name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
    }
    expect(cluster.live()).toEqual({ total: 3, ready: 3, byHash: { [hash]: 3 } });
    expect(d.status).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      unavailableReplicas: 0,
      observedGeneration: 1,
    });
    expect(condition(d, 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
    });
    expect(condition(d, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: `ReplicaSet "web-${hash}" has successfully progressed.`,
    });
    // Unchanged: the next step touches nothing.
    expect(cluster.syncDeployment(d)).toEqual([]);
  });

  it('a pod deleted by hand is replaced by its ReplicaSet', () => {
    const cluster = new Cluster(kubelet);
    const d = deployment(3);
    runUntil(cluster, d, isComplete(d));
    const [victim] = cluster.pods.keys();
    cluster.pods.delete(victim!);
    cluster.syncDeployment(d);
    expect(cluster.pods.size).toBe(3);
    expect(cluster.pods.has(victim!)).toBe(false);
  });
});

describe('syncDeployment: RollingUpdate', () => {
  /**
   * Rolls web:1 → web:2 and checks after every round that the live pods never
   * exceed replicas + maxSurge and the Ready ones never drop below replicas -
   * maxUnavailable.
   */
  function rollOut(replicas: number, strategy?: DeploymentStrategy) {
    const cluster = new Cluster(kubelet);
    const d = deployment(replicas, 'web:1', strategy);
    runUntil(cluster, d, isComplete(d));
    const { maxSurge: surge, maxUnavailable: unavailable } = resolveFenceposts(d);
    setImage(d, 'web:2');
    const newHash = podTemplateHash(d.spec!.template);
    const seen: Array<{ total: number; ready: number }> = [];
    runUntil(cluster, d, isComplete(d), () => {
      const live = cluster.live();
      seen.push({ total: live.total, ready: live.ready });
      expect(live.total).toBeLessThanOrEqual(replicas + surge);
      expect(live.ready).toBeGreaterThanOrEqual(replicas - unavailable);
    });
    expect(cluster.live()).toEqual({
      total: replicas,
      ready: replicas,
      byHash: { [newHash]: replicas },
    });
    return { cluster, d, seen, surge, unavailable };
  }

  it('defaults with 4 replicas: one surge, one unavailable, step by step', () => {
    const { seen, cluster, d } = rollOut(4);
    // It did use its room: 5 pods at once, and only 3 Ready at some point.
    expect(Math.max(...seen.map((s) => s.total))).toBe(5);
    expect(Math.min(...seen.map((s) => s.ready))).toBe(3);
    // The old ReplicaSet stays, scaled to 0, as history for `rollout undo`.
    const sets = [...cluster.replicaSets.values()];
    expect(
      sets.map((rs) => [rs.metadata?.annotations?.[REVISION_ANNOTATION], rs.spec?.replicas]),
    ).toEqual([
      ['1', 0],
      ['2', 4],
    ]);
    expect(d.status?.observedGeneration).toBe(2);
  });

  it('10 replicas with the defaults: never more than 13, never fewer than 8 Ready', () => {
    const { seen, surge, unavailable } = rollOut(10);
    expect([surge, unavailable]).toEqual([3, 2]);
    expect(Math.max(...seen.map((s) => s.total))).toBe(13);
  });

  it('maxUnavailable 0: never below the replicas Ready', () => {
    const { seen } = rollOut(3, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    expect(Math.min(...seen.map((s) => s.ready))).toBe(3);
    expect(Math.max(...seen.map((s) => s.total))).toBe(4);
  });

  it('maxSurge 0: never above the replicas', () => {
    const { seen } = rollOut(4, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 0, maxUnavailable: 2 },
    });
    expect(Math.max(...seen.map((s) => s.total))).toBe(4);
    expect(Math.min(...seen.map((s) => s.ready))).toBe(2);
  });

  it('a new version that never gets Ready: old pods keep serving, then ProgressDeadlineExceeded', () => {
    const cluster = new Cluster(kubelet);
    const d = deployment(4, 'web:1', undefined, { progressDeadlineSeconds: 30 });
    runUntil(cluster, d, isComplete(d));
    const oldHash = podTemplateHash(d.spec!.template);
    setImage(d, 'bad');
    const start = cluster.now;
    runUntil(
      cluster,
      d,
      () => condition(d, 'Progressing')?.reason === 'ProgressDeadlineExceeded',
      () => {
        // 3 of 4 old pods Ready (maxUnavailable 1), the surge pod and the replacement never.
        expect(cluster.live().ready).toBeGreaterThanOrEqual(3);
      },
    );
    expect(cluster.now - start).toBeGreaterThanOrEqual(30_000);
    expect(cluster.live().byHash[oldHash]).toBe(3);
    expect(condition(d, 'Progressing')).toMatchObject({ status: 'False' });
    expect(condition(d, 'Progressing')?.message).toMatch(
      /^ReplicaSet "web-.+" has timed out progressing\.$/,
    );
    expect(condition(d, 'Available')).toMatchObject({ status: 'True' });
  });

  it('wakes the caller when the progress deadline would pass', () => {
    const d = deployment(2, 'bad', undefined, { progressDeadlineSeconds: 60 });
    const cluster = new Cluster(kubelet);
    cluster.syncDeployment(d);
    const step = syncDeployment({
      deployment: d,
      replicaSets: [...cluster.replicaSets.values()],
      pods: [],
      now: cluster.now + 1000,
    });
    const since = Date.parse(condition({ status: step.status }, 'Progressing')!.lastUpdateTime!);
    expect(step.wakeAt).toBeGreaterThan(since + 60_000);
    expect(step.wakeAt).toBeLessThanOrEqual(since + 62_000);
  });

  it('rolling back to the previous template reuses its ReplicaSet with a new revision', () => {
    const cluster = new Cluster(kubelet);
    const d = deployment(2);
    runUntil(cluster, d, isComplete(d));
    const firstName = [...cluster.replicaSets.keys()][0]!;
    setImage(d, 'web:2');
    runUntil(cluster, d, isComplete(d));
    setImage(d, 'web:1');
    runUntil(cluster, d, isComplete(d));
    expect(cluster.replicaSets.size).toBe(2);
    const first = cluster.replicaSets.get(firstName)!;
    expect(first.metadata?.annotations?.[REVISION_ANNOTATION]).toBe('3');
    expect(first.spec?.replicas).toBe(2);
  });

  it('revisionHistoryLimit: old ReplicaSets beyond it are deleted once complete', () => {
    const cluster = new Cluster(kubelet);
    const d = deployment(1, 'web:1', undefined, { revisionHistoryLimit: 1 });
    runUntil(cluster, d, isComplete(d));
    for (const image of ['web:2', 'web:3', 'web:4']) {
      setImage(d, image);
      runUntil(cluster, d, isComplete(d));
      cluster.syncDeployment(d);
    }
    const revisions = [...cluster.replicaSets.values()]
      .map((rs) => rs.metadata?.annotations?.[REVISION_ANNOTATION])
      .sort();
    expect(revisions).toEqual(['3', '4']);
    expect(cluster.log.filter((i) => i.kind === 'delete-replicaset')).toHaveLength(2);
  });
});

describe('syncDeployment: Recreate', () => {
  it('scales the old ReplicaSet to 0 and waits for its pods before making the new one', () => {
    const cluster = new Cluster(kubelet);
    const d = deployment(3, 'web:1', { type: 'Recreate' });
    runUntil(cluster, d, isComplete(d));
    setImage(d, 'web:2');
    const newHash = podTemplateHash(d.spec!.template);
    let sawNone = false;
    runUntil(cluster, d, isComplete(d), () => {
      const live = cluster.live();
      // Never old and new pods at once.
      expect(Object.keys(live.byHash).length).toBeLessThanOrEqual(1);
      if (live.total === 0) sawNone = true;
    });
    expect(sawNone).toBe(true);
    expect(cluster.live().byHash).toEqual({ [newHash]: 3 });
  });

  it('while old pods are still terminating, no new ReplicaSet', () => {
    const cluster = new Cluster(kubelet);
    const d = deployment(1, 'web:1', { type: 'Recreate' });
    runUntil(cluster, d, isComplete(d));
    setImage(d, 'web:2');
    const [old] = cluster.replicaSets.values();
    old!.spec!.replicas = 0;
    Object.assign(old!, { status: { replicas: 0 } });
    const [oldPod] = cluster.pods.values();
    const step = syncDeployment({
      deployment: d,
      replicaSets: [old!],
      pods: [{ ...oldPod!.facts, terminating: true }],
      now: cluster.now,
    });
    expect(step.intents.filter((i) => i.kind === 'create-replicaset')).toEqual([]);
  });
});

describe('syncDeployment: paused and scaling', () => {
  it('a paused Deployment rolls nothing out, says so, and resumes', () => {
    const cluster = new Cluster(kubelet);
    const d = deployment(2);
    runUntil(cluster, d, isComplete(d));
    d.spec!.paused = true;
    setImage(d, 'web:2');
    for (let i = 0; i < 5; i++) {
      cluster.syncDeployment(d);
      cluster.tick(1000);
    }
    expect(cluster.replicaSets.size).toBe(1);
    expect(condition(d, 'Progressing')).toMatchObject({
      status: 'Unknown',
      reason: 'DeploymentPaused',
    });
    // Scaling still works while paused.
    d.spec!.replicas = 3;
    cluster.syncDeployment(d);
    expect(cluster.live().total).toBe(3);
    d.spec!.paused = false;
    cluster.syncDeployment(d);
    expect(condition(d, 'Progressing')?.reason).not.toBe('DeploymentPaused');
    runUntil(cluster, d, isComplete(d));
    expect(cluster.replicaSets.size).toBe(2);
    expect(cluster.live().byHash).toEqual({ [podTemplateHash(d.spec!.template)]: 3 });
  });

  it('scaling a settled Deployment resizes its one ReplicaSet, down to 0 and back', () => {
    const cluster = new Cluster(kubelet);
    const d = deployment(3);
    runUntil(cluster, d, isComplete(d));
    for (const replicas of [5, 1, 0, 2]) {
      d.spec!.replicas = replicas;
      runUntil(cluster, d, isComplete(d));
      expect(cluster.replicaSets.size).toBe(1);
      expect(cluster.live()).toMatchObject({ total: replicas, ready: replicas });
    }
  });

  it('scaling mid-rollout shares the new size between the ReplicaSets', () => {
    const cluster = new Cluster(kubelet);
    const d = deployment(4, 'web:1', undefined, { progressDeadlineSeconds: 600 });
    runUntil(cluster, d, isComplete(d));
    setImage(d, 'bad');
    for (let i = 0; i < 4; i++) {
      cluster.syncDeployment(d);
      cluster.tick(1000);
    }
    const before = [...cluster.replicaSets.values()].map((rs) => rs.spec?.replicas ?? 0);
    expect(before).toEqual([3, 2]);
    d.spec!.replicas = 8;
    cluster.syncDeployment(d);
    const sets: ReplicaSet[] = [...cluster.replicaSets.values()];
    const after = sets.map((rs) => rs.spec?.replicas ?? 0);
    // 8 + surge 2 = 10 shared as 3:2 was.
    expect(after.reduce((a, b) => a + b, 0)).toBe(10);
    expect(after).toEqual([6, 4]);
  });
});
