import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { describe, expect, it } from 'vitest';
import { podTemplateHash } from '../controllers/hash.js';
import { pod } from '../controllers/testing.js';
import { deploymentNumbers, ownedPod, withStatus } from './view.js';

const template = (image: string) => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image }] },
});

function deployment(replicas: number, image = 'v2'): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'd-1' },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: template(image) },
  };
}

function replicaSet(image: string, replicas: number): ReplicaSet {
  const hash = podTemplateHash(template(image));
  const t = template(image);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: `web-${hash}`, uid: `rs-${image}` },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } },
      template: { ...t, metadata: { labels: { app: 'web', 'pod-template-hash': hash } } },
    },
  };
}

const NOW = 1_000_000;
const status = (phase: 'Pending' | 'Running', ready: number, total = 1) => ({
  phase,
  ready,
  total,
  restarts: 0,
});

describe('ownedPod', () => {
  it('is Ready only when Running with every app container ready', () => {
    const base = { name: 'p', createdAt: 5, sandbox: true, terminating: false, startedAt: 9 };
    expect(ownedPod({ ...base, status: status('Running', 1) })).toMatchObject({
      ready: true,
      readySince: 9,
      scheduled: true,
    });
    expect(ownedPod({ ...base, status: status('Running', 1, 2) }).ready).toBe(false);
    expect(ownedPod({ ...base, status: status('Pending', 0) }).ready).toBe(false);
    expect(ownedPod({ ...base, status: status('Running', 0, 0) }).ready).toBe(false);
    expect(ownedPod({ ...base, status: status('Running', 1, 2) }).readySince).toBeUndefined();
  });

  it('carries what the controllers rank by: sandbox, terminating, restarts', () => {
    const facts = ownedPod({
      name: 'p',
      createdAt: 5,
      sandbox: false,
      terminating: true,
      status: { phase: 'Pending', ready: 0, total: 1, restarts: 4 },
    });
    expect(facts).toMatchObject({ scheduled: false, terminating: true, restartCount: 4 });
  });
});

describe('deploymentNumbers', () => {
  it('a finished rollout: every replica updated and available, none old', () => {
    const d = deployment(3);
    const rs = withStatus(
      replicaSet('v2', 3),
      ['a', 'b', 'c'].map((n) => pod(n)),
      NOW,
    );
    expect(deploymentNumbers(d, [rs])).toEqual({
      replicas: 3,
      current: 3,
      ready: 3,
      updated: 3,
      available: 3,
      availableCondition: true,
      complete: true,
    });
  });

  it('mid-rollout: old pods count as current, not updated; not complete', () => {
    const d = deployment(3);
    const old = withStatus(replicaSet('v1', 1), [pod('o1')], NOW);
    const fresh = withStatus(
      replicaSet('v2', 3),
      [pod('n1'), pod('n2'), pod('n3', { ready: false, readySince: undefined })],
      NOW,
    );
    const numbers = deploymentNumbers(d, [old, fresh]);
    expect(numbers).toMatchObject({ current: 4, updated: 3, ready: 3, available: 3 });
    expect(numbers.complete).toBe(false);
    // 25% of 3 rounds down to 0 unavailable: 3 available is enough.
    expect(numbers.availableCondition).toBe(true);
  });

  it('no ReplicaSet for the current template yet: neither available nor complete', () => {
    const d = deployment(2, 'v3');
    const old = withStatus(replicaSet('v1', 2), [pod('a'), pod('b')], NOW);
    const numbers = deploymentNumbers(d, [old]);
    expect(numbers).toMatchObject({ updated: 0, available: 2 });
    expect(numbers.availableCondition).toBe(false);
    expect(numbers.complete).toBe(false);
  });

  it('terminating pods are not counted', () => {
    const d = deployment(1);
    const rs = withStatus(replicaSet('v2', 1), [pod('a'), pod('b', { terminating: true })], NOW);
    expect(deploymentNumbers(d, [rs])).toMatchObject({ current: 1, complete: true });
  });
});
