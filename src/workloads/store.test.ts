import type { Deployment } from 'kubernetes-types/apps/v1.js';
import { describe, expect, it } from 'vitest';
import { storedObject } from './apply.js';
import { controlledPodObject } from './create-pod.js';
import { holderName, type StoredWorkload, workloadSpecHash } from './store.js';

const d = (replicas: number, extra: Partial<Deployment['metadata']> = {}): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'ns', labels: { a: 'b' }, ...extra },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'app', image: 'x' }] },
    },
  },
});

const stored = (object: Deployment, seq = 1): StoredWorkload<'Deployment'> => ({
  kind: 'Deployment',
  namespace: 'ns',
  name: 'web',
  uid: 'u-1',
  seq,
  specHash: workloadSpecHash(object),
  holderId: 'h',
  object,
  older: [],
});

describe('holder names', () => {
  it('one per version, never a pod container name (a Kind is upper case)', () => {
    expect(holderName('Deployment', 'ns', 'web', 3)).toBe('podrun_ns_Deployment_web_3');
    expect(holderName('ReplicaSet', 'ns', 'web', 1)).not.toBe(
      holderName('ReplicaSet', 'ns', 'web', 2),
    );
  });
});

describe('workloadSpecHash', () => {
  it('ignores what the store sets (uid, generation, creation time) and status', () => {
    const plain = d(3);
    const withServerFields = {
      ...d(3, { uid: 'x', generation: 7, creationTimestamp: '2026-01-01T00:00:00Z' }),
      status: { replicas: 3 },
    };
    expect(workloadSpecHash(withServerFields)).toBe(workloadSpecHash(plain));
  });

  it('changes with the spec and with labels, not with key order', () => {
    expect(workloadSpecHash(d(2))).not.toBe(workloadSpecHash(d(3)));
    expect(workloadSpecHash(d(3, { labels: { a: 'c' } }))).not.toBe(workloadSpecHash(d(3)));
    const reordered = {
      spec: d(3).spec,
      metadata: d(3).metadata,
      kind: 'Deployment',
      apiVersion: 'apps/v1',
    };
    expect(workloadSpecHash(reordered as Deployment)).toBe(workloadSpecHash(d(3)));
  });
});

describe('storedObject', () => {
  const now = new Date('2026-05-01T10:00:00Z');

  it('a new object: a fresh uid, generation 1, created now', () => {
    const object = storedObject(d(3), undefined, now);
    expect(object.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(object.metadata?.generation).toBe(1);
    expect(object.metadata?.creationTimestamp).toBe(now.toISOString());
  });

  it('a new version keeps uid and age; generation moves only with the spec', () => {
    const first = storedObject(d(3), undefined, new Date('2026-04-01T00:00:00Z'));
    const before = stored(first);
    const relabelled = storedObject(d(3, { labels: { a: 'z' } }), before, now);
    expect(relabelled.metadata).toMatchObject({
      uid: 'u-1',
      generation: 1,
      creationTimestamp: '2026-04-01T00:00:00.000Z',
    });
    expect(storedObject(d(5), before, now).metadata?.generation).toBe(2);
  });
});

describe('controlledPodObject', () => {
  it('the template labels, the given name, a controller ownerReference', () => {
    const pod = controlledPodObject(
      {
        namespace: 'ns',
        name: 'web-abc-x2x4z',
        template: {
          metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } },
          spec: { containers: [{ name: 'app', image: 'x' }] },
        },
        owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-1' },
      },
      'pod-uid',
      new Date('2026-05-01T10:00:00Z'),
    );
    expect(pod.metadata).toEqual({
      name: 'web-abc-x2x4z',
      namespace: 'ns',
      uid: 'pod-uid',
      creationTimestamp: '2026-05-01T10:00:00.000Z',
      labels: { app: 'web', 'pod-template-hash': 'abc' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web-abc',
          uid: 'rs-1',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
    expect(pod.spec?.containers[0]?.image).toBe('x');
  });
});
