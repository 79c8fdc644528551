import type { DaemonSet, DaemonSetUpdateStrategy } from 'kubernetes-types/apps/v1.js';
import { describe, expect, it } from 'vitest';
import { CONTROLLER_REVISION_HASH_LABEL, daemonSetRevision, syncDaemonSet } from './daemonset.js';
import { pod, seeded } from './testing.js';

function ds(image = 'agent:1', updateStrategy?: DaemonSetUpdateStrategy): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default', uid: 'ds-1', generation: 1 },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      ...(updateStrategy ? { updateStrategy } : {}),
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { containers: [{ name: 'agent', image }] },
      },
    },
  };
}

const podOf = (set: DaemonSet, name: string, fields = {}) =>
  pod(name, {
    labels: { app: 'agent', [CONTROLLER_REVISION_HASH_LABEL]: daemonSetRevision(set) },
    ...fields,
  });
const kinds = (step: ReturnType<typeof syncDaemonSet>) =>
  step.intents.map((i) => (i.kind === 'delete-pod' ? `delete ${i.name}` : i.kind));

describe('syncDaemonSet', () => {
  it('runs one pod on the node, labelled with the template revision', () => {
    const set = ds();
    const step = syncDaemonSet({ daemonSet: set, pods: [], now: 0, random: seeded(1) });
    expect(step.intents).toHaveLength(1);
    const [intent] = step.intents;
    if (intent?.kind !== 'create-pod') throw new Error(intent?.kind);
    expect(intent.name).toMatch(/^agent-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(intent.template.metadata?.labels).toEqual({
      app: 'agent',
      [CONTROLLER_REVISION_HASH_LABEL]: daemonSetRevision(set),
      'pod-template-generation': '1',
    });
    expect(step.status).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 0 });
    const steady = syncDaemonSet({
      daemonSet: set,
      pods: [podOf(set, 'agent-a')],
      now: 0,
      random: seeded(1),
    });
    expect(steady.intents).toEqual([]);
    expect(steady.status).toMatchObject({
      currentNumberScheduled: 1,
      numberReady: 1,
      numberAvailable: 1,
      updatedNumberScheduled: 1,
    });
  });

  it('RollingUpdate without surge: the old pod goes, the new one comes in the same step', () => {
    const old = ds('agent:1');
    const next = ds('agent:2');
    const step = syncDaemonSet({
      daemonSet: next,
      pods: [podOf(old, 'agent-old')],
      now: 0,
      random: seeded(1),
    });
    expect(kinds(step)).toEqual(['delete agent-old', 'create-pod']);
  });

  it('RollingUpdate with maxSurge 1: the new pod first, the old one once it is available', () => {
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    const old = ds('agent:1', strategy);
    const next = ds('agent:2', strategy);
    const oldPod = podOf(old, 'agent-old');
    expect(
      kinds(syncDaemonSet({ daemonSet: next, pods: [oldPod], now: 0, random: seeded(1) })),
    ).toEqual(['create-pod']);
    const starting = podOf(next, 'agent-new', { ready: false, readySince: undefined });
    expect(
      syncDaemonSet({ daemonSet: next, pods: [oldPod, starting], now: 0, random: seeded(1) })
        .intents,
    ).toEqual([]);
    const readyNew = podOf(next, 'agent-new');
    expect(
      kinds(
        syncDaemonSet({ daemonSet: next, pods: [oldPod, readyNew], now: 0, random: seeded(1) }),
      ),
    ).toEqual(['delete agent-old']);
  });

  it('OnDelete: the old pod stays until it is deleted', () => {
    const strategy = { type: 'OnDelete' };
    const old = ds('agent:1', strategy);
    const next = ds('agent:2', strategy);
    const step = syncDaemonSet({
      daemonSet: next,
      pods: [podOf(old, 'agent-old')],
      now: 0,
      random: seeded(1),
    });
    expect(step.intents).toEqual([]);
    expect(step.status.updatedNumberScheduled).toBe(0);
    expect(kinds(syncDaemonSet({ daemonSet: next, pods: [], now: 0, random: seeded(1) }))).toEqual([
      'create-pod',
    ]);
  });
});
