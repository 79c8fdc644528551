import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { describe, expect, it } from 'vitest';
import { generateName, KUBE_ALPHABET, randomSuffix } from './names.js';
import { podsToDelete } from './ranking.js';
import { syncReplicaSet } from './replicaset.js';
import { pod, seeded } from './testing.js';

const NOW = 1_000_000;

function rs(replicas: number, minReadySeconds?: number): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web', namespace: 'default', uid: 'u-1', generation: 2 },
    spec: {
      replicas,
      ...(minReadySeconds === undefined ? {} : { minReadySeconds }),
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { name: 'ignored', labels: { app: 'web' }, annotations: { note: 'x' } },
        spec: { containers: [{ name: 'app', image: 'nginx' }] },
      },
    },
  };
}

const labelled = (name: string, fields = {}) => pod(name, { labels: { app: 'web' }, ...fields });

describe('names', () => {
  it('5 characters of the Kubernetes alphabet after the base', () => {
    const random = seeded(3);
    const names = Array.from({ length: 50 }, () => generateName('web', random, new Set()));
    for (const name of names) expect(name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(new Set(names).size).toBe(50);
    expect(KUBE_ALPHABET).toHaveLength(27);
  });

  it('the randomness is injected: the same source gives the same names', () => {
    expect(randomSuffix(seeded(9))).toBe(randomSuffix(seeded(9)));
    expect(randomSuffix(() => 0)).toBe('bbbbb');
    expect(randomSuffix(() => 0.9999)).toBe('99999');
  });

  it('a taken name is drawn again; a long base is cut to leave room', () => {
    const values = [0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5];
    const random = () => values.shift() ?? 0;
    expect(generateName('web', random, new Set(['web-bbbbb']))).toBe('web-rrrrr');
    const long = generateName('a'.repeat(70), seeded(1), new Set());
    expect(long).toHaveLength(63);
    expect(long.slice(0, 58)).toBe('a'.repeat(58));
  });
});

describe('syncReplicaSet', () => {
  it('creates the missing pods from the template, named <rs>-<5 random>', () => {
    const step = syncReplicaSet({ replicaSet: rs(3), pods: [], now: NOW, random: seeded(1) });
    expect(step.intents).toHaveLength(3);
    for (const intent of step.intents) {
      expect(intent.kind).toBe('create-pod');
      if (intent.kind !== 'create-pod') continue;
      expect(intent.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      // The template's own name is not the pod's.
      expect(intent.template.metadata).toEqual({
        labels: { app: 'web' },
        annotations: { note: 'x' },
      });
      expect(intent.template.spec?.containers[0]?.image).toBe('nginx');
      expect(intent.owner).toEqual({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'web',
        uid: 'u-1',
      });
    }
    expect(step.status).toEqual({
      replicas: 0,
      fullyLabeledReplicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
      observedGeneration: 2,
    });
  });

  it('does nothing when it has its replicas (level-triggered)', () => {
    const pods = ['web-a', 'web-b', 'web-c'].map((n) => labelled(n));
    const step = syncReplicaSet({ replicaSet: rs(3), pods, now: NOW, random: seeded(1) });
    expect(step.intents).toEqual([]);
    expect(step.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3 });
  });

  it('replaces a pod deleted by hand, and does not count finished or terminating ones', () => {
    const pods = [
      labelled('web-a'),
      labelled('web-b', { terminating: true }),
      labelled('web-c', { phase: 'Failed', ready: false }),
    ];
    const step = syncReplicaSet({ replicaSet: rs(3), pods, now: NOW, random: seeded(1) });
    const created = step.intents.filter((i) => i.kind === 'create-pod');
    expect(created).toHaveLength(2);
    expect(step.status.replicas).toBe(1);
  });

  it('scales down unscheduled, then not ready, then the younger pods first', () => {
    const pods = [
      labelled('old-ready', { createdAt: 1, readySince: 10 }),
      labelled('young-ready', { createdAt: 5, readySince: 10 }),
      labelled('not-ready', { createdAt: 0, ready: false, readySince: undefined }),
      labelled('unscheduled', {
        createdAt: 0,
        scheduled: false,
        phase: 'Pending',
        ready: false,
        readySince: undefined,
      }),
    ];
    const deleted = (replicas: number) =>
      syncReplicaSet({ replicaSet: rs(replicas), pods, now: NOW, random: seeded(1) }).intents.map(
        (i) => (i.kind === 'delete-pod' ? i.name : i.kind),
      );
    expect(deleted(3)).toEqual(['unscheduled']);
    expect(deleted(2)).toEqual(['unscheduled', 'not-ready']);
    expect(deleted(1)).toEqual(['unscheduled', 'not-ready', 'young-ready']);
    expect(deleted(0)).toHaveLength(4);
  });

  it('deletes the pod Ready most recently first, then the one with more restarts', () => {
    const order = podsToDelete(
      [
        labelled('long', { readySince: 100 }),
        labelled('recent', { readySince: 500 }),
        labelled('crashy', { readySince: 100, restartCount: 4 }),
      ],
      3,
    ).map((p) => p.name);
    expect(order).toEqual(['recent', 'crashy', 'long']);
  });

  it('counts the pods Ready for minReadySeconds as available, and wakes when the next one is', () => {
    const pods = [
      labelled('web-a', { readySince: NOW - 20_000 }),
      labelled('web-b', { readySince: NOW - 4_000 }),
      labelled('web-c', { ready: false, readySince: undefined }),
    ];
    const step = syncReplicaSet({ replicaSet: rs(3, 10), pods, now: NOW, random: seeded(1) });
    expect(step.intents).toEqual([]);
    expect(step.status).toMatchObject({ replicas: 3, readyReplicas: 2, availableReplicas: 1 });
    expect(step.wakeAt).toBe(NOW + 6_000);
    const later = syncReplicaSet({
      replicaSet: rs(3, 10),
      pods,
      now: NOW + 6_000,
      random: seeded(1),
    });
    expect(later.status.availableReplicas).toBe(2);
    expect(later.wakeAt).toBeUndefined();
  });

  it('fullyLabeledReplicas counts the pods carrying every template label', () => {
    const pods = [labelled('web-a'), pod('web-b', { labels: { other: 'x' } })];
    const step = syncReplicaSet({ replicaSet: rs(2), pods, now: NOW, random: seeded(1) });
    expect(step.status).toMatchObject({ replicas: 2, fullyLabeledReplicas: 1 });
  });
});
