import { describe, expect, it } from 'vitest';
import type { PodRecord } from '../pod/records.js';
import { logsPod, parseTarget, waitTargets } from './env-targets.js';

describe('parseTarget', () => {
  it.each([
    ['db', { kind: 'Pod', name: 'db' }],
    ['pod/db', { kind: 'Pod', name: 'db' }],
    ['deploy/web', { kind: 'Deployment', name: 'web' }],
    ['deployment.apps/web', { kind: 'Deployment', name: 'web' }],
    ['Deployment/web', { kind: 'Deployment', name: 'web' }],
    ['rs/web-1', { kind: 'ReplicaSet', name: 'web-1' }],
    ['ds/agent', { kind: 'DaemonSet', name: 'agent' }],
    ['job.batch/migrate', { kind: 'Job', name: 'migrate' }],
    ['cj/nightly', { kind: 'CronJob', name: 'nightly' }],
  ])('%s', (text, target) => {
    expect(parseTarget(text)).toEqual(target);
  });

  it.each(['', 'service/web', 'deploy/', 'deploy/a/b'])(
    'refuses "%s" with a readable line',
    (text) => {
      expect(() => parseTarget(text)).toThrow(/target|kind\/name/);
    },
  );
});

describe('waitTargets', () => {
  it('waits for pods and for workloads that get somewhere, not for CronJobs', () => {
    expect(
      waitTargets(
        [
          { kind: 'Pod', name: 'db' },
          { kind: 'Service', name: 'web' },
          { kind: 'ConfigMap', name: 'settings' },
        ],
        [
          { kind: 'Deployment', name: 'web' },
          { kind: 'Job', name: 'migrate' },
          { kind: 'CronJob', name: 'nightly' },
        ],
      ),
    ).toEqual([
      { kind: 'Pod', name: 'db' },
      { kind: 'Deployment', name: 'web' },
      { kind: 'Job', name: 'migrate' },
    ]);
  });
});

describe('logsPod', () => {
  const record = (name: string, created: string, terminating = false) =>
    ({ name, terminating, pod: { metadata: { creationTimestamp: created } } }) as PodRecord;

  it('takes the newest pod, one being deleted last', () => {
    const old = record('migrate-aaaaa', '2024-01-01T00:00:00Z');
    const retry = record('migrate-bbbbb', '2024-01-01T00:01:00Z');
    const leaving = record('migrate-ccccc', '2024-01-01T00:02:00Z', true);
    expect(logsPod([old, leaving, retry])?.name).toBe('migrate-bbbbb');
    expect(logsPod([])).toBeUndefined();
  });
});
