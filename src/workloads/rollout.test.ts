import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { describe, expect, it } from 'vitest';
import type { PodStatusSummary } from '../pod/status.js';
import {
  failingContainer,
  paused,
  RESTARTED_AT_ANNOTATION,
  type RolloutFacts,
  restarted,
  revisions,
  rolloutStatus,
  undone,
} from './rollout.js';

const facts = (over: Partial<RolloutFacts> = {}): RolloutFacts => ({
  name: 'web',
  generation: 2,
  observedGeneration: 2,
  conditions: [],
  replicas: 3,
  current: 3,
  updated: 3,
  available: 3,
  ...over,
});

describe('rolloutStatus (kubectl DeploymentStatusViewer)', () => {
  it('waits for the controller to observe the new generation', () => {
    expect(rolloutStatus(facts({ observedGeneration: 1 }))).toEqual({
      done: false,
      message: 'Waiting for deployment spec update to be observed...',
    });
  });
  it('prints the three progress lines in kubectl order', () => {
    expect(rolloutStatus(facts({ updated: 1, current: 4, available: 3 })).message).toBe(
      'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
    );
    expect(rolloutStatus(facts({ current: 4, available: 3 })).message).toBe(
      'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
    );
    expect(rolloutStatus(facts({ available: 1 })).message).toBe(
      'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...',
    );
    expect(rolloutStatus(facts())).toEqual({
      done: true,
      message: 'deployment "web" successfully rolled out',
    });
  });
  it('fails once Progressing is ProgressDeadlineExceeded (of the observed generation only)', () => {
    const conditions = [
      { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' },
    ];
    expect(rolloutStatus(facts({ conditions, updated: 1 })).error).toBe(
      'deployment "web" exceeded its progress deadline',
    );
    expect(rolloutStatus(facts({ conditions, observedGeneration: 1 })).error).toBeUndefined();
  });
});

const deployment = (over: Partial<Deployment['spec']> = {}): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', uid: 'u1', generation: 3 },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'app', image: 'v3' }] },
    },
    ...over,
  },
});

const rs = (revision: number, image: string, hash: string): ReplicaSet => ({
  metadata: {
    name: `web-${hash}`,
    annotations: { 'deployment.kubernetes.io/revision': String(revision) },
  },
  spec: {
    selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } },
    template: {
      metadata: { labels: { app: 'web', 'pod-template-hash': hash } },
      spec: { containers: [{ name: 'app', image }] },
    },
  },
});

describe('restart, pause, undo, history', () => {
  it('restart annotates the template with the time, as kubectl does', () => {
    const d = restarted(deployment(), new Date('2026-01-02T03:04:05.678Z'));
    expect(d.spec?.template.metadata?.annotations).toEqual({
      [RESTARTED_AT_ANNOTATION]: '2026-01-02T03:04:05Z',
    });
    expect(() => restarted(deployment({ paused: true }), new Date())).toThrow(/paused/);
  });
  it('pause and resume, undefined when nothing changes', () => {
    expect(paused(deployment(), true)?.spec?.paused).toBe(true);
    expect(paused(deployment(), false)).toBeUndefined();
    expect(paused(deployment({ paused: true }), false)?.spec?.paused).toBeUndefined();
  });
  it("undo takes the previous revision's template without pod-template-hash", () => {
    const sets = [rs(1, 'v1', 'aaa'), rs(3, 'v3', 'ccc'), rs(2, 'v2', 'bbb')];
    const undo = undone(deployment(), sets);
    expect(undo.kind).toBe('rolled-back');
    if (undo.kind !== 'rolled-back') return;
    expect(undo.revision).toBe(2);
    expect(undo.deployment.spec?.template).toEqual({
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'app', image: 'v2' }] },
    });
    const to1 = undone(deployment(), sets, 1);
    expect(
      to1.kind === 'rolled-back' && to1.deployment.spec?.template.spec?.containers[0]?.image,
    ).toBe('v1');
  });
  it('undo: skipped, no history, unknown revision, paused', () => {
    const sets = [rs(1, 'v1', 'aaa'), rs(2, 'v3', 'ccc')];
    expect(undone(deployment(), sets, 2)).toEqual({ kind: 'skipped', revision: 2 });
    expect(() => undone(deployment(), [rs(1, 'v3', 'ccc')])).toThrow(
      'no rollout history found for deployment "web"',
    );
    expect(() => undone(deployment(), sets, 7)).toThrow(
      'unable to find specified revision 7 in history',
    );
    expect(() => undone(deployment({ paused: true }), sets)).toThrow(/paused/);
  });
  it('history is by revision, oldest first', () => {
    expect(revisions([rs(3, 'a', 'c'), rs(1, 'b', 'a')]).map((r) => r.revision)).toEqual([1, 3]);
  });
});

const pod = (
  name: string,
  containers: Partial<PodStatusSummary['containers'][number]>[],
): { name: string; status: PodStatusSummary } => ({
  name,
  status: {
    phase: 'Running',
    status: 'Running',
    ready: 0,
    total: containers.length,
    restarts: 0,
    podIP: '',
    containers: containers.map((c) => ({
      name: 'app',
      role: 'app',
      state: 'running',
      restarts: 0,
      ready: true,
      started: true,
      containerId: `${name}-id`,
      image: 'x',
      ...c,
    })),
  },
});

describe('failingContainer', () => {
  it('names a back-off before a merely unready container', () => {
    const failing = failingContainer([
      pod('a', [{ ready: false }]),
      pod('b', [
        { state: 'waiting', reason: 'CrashLoopBackOff', restarts: 4, ready: false, exitCode: 3 },
      ]),
    ]);
    expect(failing).toMatchObject({
      pod: 'b',
      reason: 'CrashLoopBackOff',
      restarts: 4,
      exitCode: 3,
    });
  });
  it('names how the last run ended for a restarted container caught between runs', () => {
    const failing = failingContainer([
      pod('a', [
        {
          state: 'waiting',
          reason: 'ContainerCreating',
          restarts: 1,
          ready: false,
          lastState: { exitCode: 3, reason: 'Error', containerId: 'old' },
        },
      ]),
    ]);
    expect(failing).toMatchObject({ reason: 'Error', restarts: 1, exitCode: 3, previousId: 'old' });
  });
  it('says NotReady for a running unready one, nothing when all are fine', () => {
    expect(failingContainer([pod('a', [{ ready: false }])])?.reason).toBe('NotReady');
    expect(failingContainer([pod('a', [{}])])).toBeUndefined();
  });
});
