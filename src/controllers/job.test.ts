import type { Job, JobSpec } from 'kubernetes-types/batch/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import {
  COMPLETION_INDEX_ANNOTATION,
  formatIndexes,
  JOB_BACKOFF,
  jobBackoffDelayMs,
  parseIndexes,
  syncJob,
} from './job.js';
import { spreadRandom } from './names.js';
import { Cluster, type PodBehaviour, pod, seeded } from './testing.js';

function job(spec: Partial<JobSpec> = {}, command = 'ok'): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid: 'j-1' },
    spec: {
      template: {
        metadata: { labels: { app: 'pi' } },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'pi', image: 'busybox', command: [command] }],
        },
      },
      ...spec,
    },
  };
}

/** `ok` pods succeed 3 s after creation, `fail` pods fail then, `hang` pods run forever. */
const kubelet = (template: PodTemplateSpec): PodBehaviour => {
  const command = template.spec?.containers[0]?.command?.[0];
  if (command === 'hang') return { startMs: 500, readyMs: 500 };
  return {
    startMs: 500,
    readyMs: 500,
    exitMs: 3000,
    exit: command === 'fail' ? 'Failed' : 'Succeeded',
  };
};

const conditionOf = (j: Job, type: string) => j.status?.conditions?.find((c) => c.type === type);
const finished = (j: Job) => () =>
  conditionOf(j, 'Complete') !== undefined || conditionOf(j, 'Failed') !== undefined;

function run(cluster: Cluster, j: Job, each: () => void = () => {}, maxRounds = 2000): void {
  for (let round = 0; round < maxRounds; round++) {
    cluster.syncJob(j);
    each();
    if (finished(j)()) return;
    cluster.tick(1000);
  }
  throw new Error(`not finished: ${JSON.stringify(j.status)}`);
}

const activeCount = (cluster: Cluster) =>
  [...cluster.pods.values()].filter(
    (p) => p.facts.phase === 'Pending' || p.facts.phase === 'Running',
  ).length;

describe('syncJob', () => {
  it('as readWorkloads runs it (status stored, no pods yet, parallelism 2): two distinct names', () => {
    const j = job({ completions: 4, parallelism: 2 });
    j.status = { startTime: new Date(0).toISOString(), active: 0, succeeded: 0, failed: 0 };
    const out = syncJob({ job: j, pods: [], now: 1000, random: spreadRandom() });
    const names = out.intents.flatMap((i) => (i.kind === 'create-pod' ? [i.name] : []));
    expect(new Set(names).size).toBe(2);
  });

  it('completions 4, parallelism 2: never more than 2 at once, ends 4/4 Complete', () => {
    const cluster = new Cluster(kubelet);
    const j = job({ completions: 4, parallelism: 2 });
    const seen: number[] = [];
    run(cluster, j, () => {
      seen.push(activeCount(cluster));
      expect(activeCount(cluster)).toBeLessThanOrEqual(2);
    });
    expect(Math.max(...seen)).toBe(2);
    expect(cluster.created).toHaveLength(4);
    expect(j.status).toMatchObject({ succeeded: 4, failed: 0, active: 0, ready: 0 });
    expect(conditionOf(j, 'Complete')).toMatchObject({
      status: 'True',
      reason: 'CompletionsReached',
    });
    expect(j.status?.completionTime).toBeDefined();
    expect(j.status?.startTime).toBeDefined();
  });

  it('pods are <job>-<5 random>, labelled job-name and controller-uid, owned by the Job', () => {
    const step = syncJob({
      job: job({ parallelism: 3, completions: 3 }),
      pods: [],
      now: 0,
      random: seeded(2),
    });
    expect(step.intents).toHaveLength(3);
    for (const intent of step.intents) {
      if (intent.kind !== 'create-pod') throw new Error(intent.kind);
      expect(intent.name).toMatch(/^pi-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(intent.template.metadata?.labels).toEqual({
        app: 'pi',
        'job-name': 'pi',
        'batch.kubernetes.io/job-name': 'pi',
        'controller-uid': 'j-1',
        'batch.kubernetes.io/controller-uid': 'j-1',
      });
      expect(intent.owner).toEqual({ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'j-1' });
    }
    expect(step.status).toMatchObject({ active: 0, succeeded: 0, failed: 0 });
  });

  it('always failing with backoffLimit 2: 3 pods, 10 s then 20 s apart, then Failed', () => {
    const cluster = new Cluster(kubelet);
    const j = job({ backoffLimit: 2 }, 'fail');
    const createdAt: number[] = [];
    run(cluster, j, () => {
      for (const p of cluster.pods.values()) {
        if (!createdAt.includes(p.facts.createdAt)) createdAt.push(p.facts.createdAt);
      }
    });
    expect(cluster.created).toHaveLength(3);
    expect(conditionOf(j, 'Failed')).toMatchObject({
      status: 'True',
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    });
    expect(j.status).toMatchObject({ failed: 3, succeeded: 0, active: 0 });
    expect(conditionOf(j, 'Complete')).toBeUndefined();
    // Each pod fails 3 s after its creation; the next waits 10 s, then 20 s, after that.
    expect([createdAt[1]! - createdAt[0]!, createdAt[2]! - createdAt[1]!]).toEqual([
      13_000, 23_000,
    ]);
  });

  it('a backed-off Job wakes the caller when the back-off ends', () => {
    const failedPod = pod('pi-aaaaa', { phase: 'Failed', ready: false, finishedAt: 50_000 });
    const step = syncJob({
      job: job({ backoffLimit: 6 }),
      pods: [failedPod],
      now: 55_000,
      random: seeded(1),
    });
    expect(step.intents).toEqual([]);
    expect(step.wakeAt).toBe(60_000);
    const later = syncJob({
      job: job({ backoffLimit: 6 }),
      pods: [failedPod],
      now: 60_000,
      random: seeded(1),
    });
    expect(later.intents.map((i) => i.kind)).toEqual(['create-pod']);
  });

  it('back-off: 10 s doubling, capped at 6 min', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 10].map((n) => jobBackoffDelayMs(n) / 1000)).toEqual([
      0, 10, 20, 40, 80, 160, 320, 360, 360,
    ]);
    expect(JOB_BACKOFF.maxMs).toBe(6 * 60_000);
  });

  it('a success resets the back-off: only failures after the last success count', () => {
    const pods = [
      pod('a', { phase: 'Failed', ready: false, finishedAt: 10_000 }),
      pod('b', { phase: 'Failed', ready: false, finishedAt: 20_000 }),
      pod('c', { phase: 'Succeeded', ready: false, finishedAt: 30_000 }),
      pod('d', { phase: 'Failed', ready: false, finishedAt: 40_000 }),
    ];
    const step = syncJob({ job: job({ completions: 3 }), pods, now: 45_000, random: seeded(1) });
    expect(step.wakeAt).toBe(50_000);
  });

  it('activeDeadlineSeconds: running pods are stopped and the Job is Failed DeadlineExceeded', () => {
    const cluster = new Cluster(kubelet);
    const j = job({ activeDeadlineSeconds: 10, parallelism: 2, completions: 2 }, 'hang');
    const first = syncJob({ job: j, pods: [], now: cluster.now, random: seeded(1) });
    expect(first.wakeAt).toBe(Date.parse(first.status.startTime!) + 10_000);
    run(cluster, j);
    expect(conditionOf(j, 'Failed')).toMatchObject({
      reason: 'DeadlineExceeded',
      message: 'Job was active longer than specified deadline',
    });
    expect(cluster.pods.size).toBe(0);
    expect(j.status).toMatchObject({ active: 0, failed: 2 });
  });

  it('without completions: the first success ends it once the others are done', () => {
    const j = job({ parallelism: 2 });
    const running = pod('pi-b', { phase: 'Running' });
    const done = pod('pi-a', { phase: 'Succeeded', ready: false, finishedAt: 5_000 });
    const step = syncJob({ job: j, pods: [done, running], now: 6_000, random: seeded(1) });
    expect(step.intents).toEqual([]); // no new pod after a success, the running one may finish
    expect(conditionOf({ status: step.status }, 'Complete')).toBeUndefined();
    const after = syncJob({
      job: j,
      pods: [done, { ...running, phase: 'Succeeded', finishedAt: 7_000 }],
      now: 8_000,
      random: seeded(1),
    });
    expect(conditionOf({ status: after.status }, 'Complete')?.status).toBe('True');
    expect(after.status.succeeded).toBe(2);
  });

  it('fewer pods wanted than run (parallelism lowered): the extra ones are deleted', () => {
    const pods = [pod('pi-a', { createdAt: 1 }), pod('pi-b', { createdAt: 2, ready: false })];
    const step = syncJob({
      job: job({ parallelism: 1, completions: 5 }),
      pods,
      now: 10,
      random: seeded(1),
    });
    expect(step.intents).toEqual([
      { kind: 'delete-pod', name: 'pi-b', reason: 'too many active pods' },
    ]);
    expect(step.status.active).toBe(1);
  });

  it('OnFailure: restarts of the running pods count against backoffLimit', () => {
    const j = job({ backoffLimit: 3 });
    j.spec!.template.spec!.restartPolicy = 'OnFailure';
    const step = syncJob({
      job: j,
      pods: [pod('pi-a', { restartCount: 3 })],
      now: 0,
      random: seeded(1),
    });
    expect(conditionOf({ status: step.status }, 'Failed')?.reason).toBe('BackoffLimitExceeded');
    expect(step.intents).toEqual([
      { kind: 'delete-pod', name: 'pi-a', reason: 'BackoffLimitExceeded' },
    ]);
  });

  it('ttlSecondsAfterFinished: the finished Job deletes itself when it is due', () => {
    const cluster = new Cluster(kubelet);
    const j = job({ ttlSecondsAfterFinished: 30 });
    run(cluster, j);
    const completedAt = Date.parse(j.status!.completionTime!);
    const early = syncJob({
      job: j,
      pods: cluster.podsOf('job'),
      now: completedAt + 10_000,
      random: seeded(1),
    });
    expect(early.intents).toEqual([]);
    expect(early.wakeAt).toBe(completedAt + 30_000);
    const due = syncJob({
      job: j,
      pods: cluster.podsOf('job'),
      now: completedAt + 30_000,
      random: seeded(1),
    });
    expect(due.intents).toEqual([{ kind: 'delete-self', reason: 'ttlSecondsAfterFinished 30' }]);
  });

  it('a finished Job makes no more pods (level-triggered)', () => {
    const cluster = new Cluster(kubelet);
    const j = job({ completions: 2 });
    run(cluster, j);
    cluster.tick(60_000);
    expect(cluster.syncJob(j).intents).toEqual([]);
    expect(cluster.created).toHaveLength(2);
  });
});

describe('syncJob: Indexed', () => {
  it('one pod per index with JOB_COMPLETION_INDEX, the annotation and hostname', () => {
    const step = syncJob({
      job: job({ completionMode: 'Indexed', completions: 3, parallelism: 2 }),
      pods: [],
      now: 0,
      random: seeded(4),
    });
    const created = step.intents.flatMap((i) => (i.kind === 'create-pod' ? [i] : []));
    expect(
      created.map((i) => i.template.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION]),
    ).toEqual(['0', '1']);
    const [first] = created;
    expect(first?.name).toMatch(/^pi-0-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(first?.template.metadata?.labels?.[COMPLETION_INDEX_ANNOTATION]).toBe('0');
    expect(first?.template.spec?.hostname).toBe('pi-0');
    expect(first?.template.spec?.containers[0]?.env).toEqual([
      {
        name: 'JOB_COMPLETION_INDEX',
        valueFrom: {
          fieldRef: {
            fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']",
          },
        },
      },
    ]);
  });

  it('runs every index to success, a failed index again, and lists completedIndexes', () => {
    // Index 1's first pod fails; every other pod succeeds.
    let failedOnce = false;
    const cluster = new Cluster((template) => {
      const index = template.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION];
      if (index === '1' && !failedOnce) {
        failedOnce = true;
        return { startMs: 500, exitMs: 2000, exit: 'Failed' };
      }
      return { startMs: 500, readyMs: 500, exitMs: 2000, exit: 'Succeeded' };
    });
    const j = job({ completionMode: 'Indexed', completions: 4, parallelism: 2 });
    run(cluster, j, () => expect(activeCount(cluster)).toBeLessThanOrEqual(2));
    expect(conditionOf(j, 'Complete')?.status).toBe('True');
    expect(j.status).toMatchObject({ succeeded: 4, failed: 1, completedIndexes: '0-3' });
    const indexes = [...cluster.pods.values()]
      .map((p) => p.facts.annotations?.[COMPLETION_INDEX_ANNOTATION])
      .sort();
    expect(indexes).toEqual(['0', '1', '1', '2', '3']);
  });

  it('indexes print and parse as the API writes them', () => {
    expect(formatIndexes([0, 1, 2, 4, 6, 7])).toBe('0-2,4,6-7');
    expect([...parseIndexes('0-2,4,6-7')]).toEqual([0, 1, 2, 4, 6, 7]);
    expect(formatIndexes([])).toBe('');
  });
});
