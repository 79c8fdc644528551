// The Job controller's sync (pkg/controller/job) as a pure function of the Job (with
// the status the previous step stored), its pods and the clock: run up to
// `parallelism` pods until `completions` have succeeded (or, without completions, until
// one has and the rest are done), count failures against `backoffLimit` with the
// controller's back-off between them, stop at `activeDeadlineSeconds`, give Indexed
// pods their completion index, and delete the finished Job after
// `ttlSecondsAfterFinished`. Failed and succeeded pods are kept (as the controller
// keeps them until the Job goes), so they are what the counts are made of.
import type { Job, JobCondition, JobStatus } from 'kubernetes-types/batch/v1.js';
import type { Container, EnvVar, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { apiTime, earliest, isActive, type OwnedPod } from './facts.js';
import type { ControllerIntent, ControllerStep, Owner } from './intents.js';
import { generateName, type Random } from './names.js';
import { podsToDelete } from './ranking.js';

export const JOB_NAME_LABELS = ['batch.kubernetes.io/job-name', 'job-name'] as const;
export const CONTROLLER_UID_LABELS = [
  'batch.kubernetes.io/controller-uid',
  'controller-uid',
] as const;
export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

/** The API server's default backoffLimit. */
export const DEFAULT_BACKOFF_LIMIT = 6;

/** The controller's back-off between failed pods: 10 s, doubling, capped at 6 min. */
export interface JobBackoff {
  baseMs: number;
  maxMs: number;
}
export const JOB_BACKOFF: JobBackoff = { baseMs: 10_000, maxMs: 360_000 };

export interface JobInput {
  /** The Job, its metadata.uid set, with the status the previous step stored (or none). */
  job: Job;
  /** Every pod it owns (its controller-uid label), finished ones too. */
  pods: readonly OwnedPod[];
  now: number;
  random: Random;
  backoff?: JobBackoff;
}

export function jobOwner(job: Job): Owner {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    name: job.metadata?.name ?? '',
    uid: job.metadata?.uid,
  };
}

/** The delay before the next pod after `failures` failures in a row (0 for none). */
export function jobBackoffDelayMs(failures: number, backoff: JobBackoff = JOB_BACKOFF): number {
  if (failures <= 0) return 0;
  return Math.min(backoff.baseMs * 2 ** (failures - 1), backoff.maxMs);
}

function condition(job: Job, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/** "0-2,4": the API's compressed list of indexes. */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function parseIndexes(text: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!match) continue;
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    for (let i = from; i <= to; i++) out.add(i);
  }
  return out;
}

function indexOf(pod: OwnedPod): number | undefined {
  const value =
    pod.annotations?.[COMPLETION_INDEX_ANNOTATION] ?? pod.labels[COMPLETION_INDEX_ANNOTATION];
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

export function syncJob(input: JobInput): ControllerStep<JobStatus> {
  const { job, pods, now, random } = input;
  const backoff = input.backoff ?? JOB_BACKOFF;
  const spec = job.spec ?? { template: {} };
  const name = job.metadata?.name ?? '';
  const status: JobStatus = structuredClone(job.status ?? {});
  const intents: ControllerIntent[] = [];
  const active = pods.filter(isActive);
  const deleteAll = (list: readonly OwnedPod[], reason: string) => {
    for (const pod of list) intents.push({ kind: 'delete-pod', name: pod.name, reason });
  };

  // A finished Job only cleans up: its leftover pods, then itself after the TTL.
  const finished = condition(job, 'Complete') ?? condition(job, 'Failed');
  if (finished) {
    deleteAll(active, `Job ${finished.type === 'Complete' ? 'completed' : 'failed'}`);
    const ttl = spec.ttlSecondsAfterFinished;
    const at = Date.parse(status.completionTime ?? finished.lastTransitionTime ?? '');
    let wakeAt: number | undefined;
    if (ttl !== undefined && Number.isFinite(at)) {
      const due = at + ttl * 1000;
      if (now >= due)
        intents.push({ kind: 'delete-self', reason: `ttlSecondsAfterFinished ${ttl}` });
      else wakeAt = due;
    }
    return { intents, status, ...(wakeAt === undefined ? {} : { wakeAt }) };
  }

  status.startTime ??= apiTime(now);
  const startTime = Date.parse(status.startTime);
  const indexed = spec.completionMode === 'Indexed';
  const completions = spec.completions;
  const parallelism = spec.parallelism ?? 1;
  const backoffLimit = spec.backoffLimit ?? DEFAULT_BACKOFF_LIMIT;

  const succeededPods = pods.filter((p) => p.phase === 'Succeeded');
  const failedPods = pods.filter((p) => p.phase === 'Failed');
  const succeededIndexes = parseIndexes(status.completedIndexes);
  if (indexed) {
    for (const pod of succeededPods) {
      const index = indexOf(pod);
      if (index !== undefined && index < (completions ?? 0)) succeededIndexes.add(index);
    }
  }
  // The stored counts are a floor: a finished pod deleted by hand still counted.
  const succeeded = indexed
    ? Math.max(status.succeeded ?? 0, succeededIndexes.size)
    : Math.max(status.succeeded ?? 0, succeededPods.length);
  let failed = Math.max(status.failed ?? 0, failedPods.length);

  const finish = (type: 'Complete' | 'Failed', reason: string, message: string) => {
    const time = apiTime(now);
    status.conditions = [
      ...(status.conditions ?? []).filter((c) => c.type !== type),
      { type, status: 'True', reason, message, lastProbeTime: time, lastTransitionTime: time },
    ];
    if (type === 'Complete') status.completionTime = time;
  };
  const writeCounts = (left: readonly OwnedPod[]) => {
    status.active = left.length;
    status.ready = left.filter((p) => p.ready).length;
    status.succeeded = succeeded;
    status.failed = failed;
    if (indexed) status.completedIndexes = formatIndexes(succeededIndexes);
  };

  // Failure: past the deadline, or past the backoff limit (pod failures, and under
  // OnFailure the restarts of the pods still running).
  const deadline = spec.activeDeadlineSeconds;
  const deadlineAt = deadline === undefined ? undefined : startTime + deadline * 1000;
  // pastBackoffLimitOnFailure: under OnFailure the kubelet restarts in place, so the
  // restarts of the running pods are the failures.
  const onFailure = spec.template?.spec?.restartPolicy === 'OnFailure';
  const restarts = onFailure ? active.reduce((total, p) => total + p.restartCount, 0) : 0;
  const pastBackoff =
    failed > backoffLimit ||
    (onFailure && (backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit));
  const failure =
    deadlineAt !== undefined && now >= deadlineAt
      ? { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' }
      : pastBackoff
        ? { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }
        : undefined;
  if (failure) {
    deleteAll(active, failure.reason);
    failed += active.length; // the controller counts the pods it kills as failed
    finish('Failed', failure.reason, failure.message);
    writeCounts([]);
    return { intents, status };
  }

  const complete = indexed
    ? succeededIndexes.size >= (completions ?? 0)
    : completions === undefined
      ? succeeded > 0 && active.length === 0
      : succeeded >= completions;
  if (complete) {
    deleteAll(active, 'Job completed');
    finish('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods');
    writeCounts([]);
    return { intents, status };
  }

  // How many should run now.
  let wantActive: number;
  if (indexed) wantActive = Math.min(parallelism, (completions ?? 0) - succeededIndexes.size);
  else if (completions === undefined) wantActive = succeeded > 0 ? active.length : parallelism;
  else wantActive = Math.min(completions - succeeded, parallelism);
  wantActive = Math.max(0, wantActive);

  let keep = [...active];
  if (indexed) {
    // One pod per index, none for an index already done.
    const seen = new Set<number>();
    const extra: OwnedPod[] = [];
    for (const pod of [...active].sort((a, b) => a.createdAt - b.createdAt)) {
      const index = indexOf(pod);
      if (
        index === undefined ||
        succeededIndexes.has(index) ||
        seen.has(index) ||
        index >= (completions ?? 0)
      ) {
        extra.push(pod);
      } else {
        seen.add(index);
      }
    }
    deleteAll(extra, 'duplicate or finished completion index');
    keep = keep.filter((p) => !extra.includes(p));
  }
  if (keep.length > wantActive) {
    const doomed = podsToDelete(keep, keep.length - wantActive);
    deleteAll(doomed, 'too many active pods');
    keep = keep.filter((p) => !doomed.includes(p));
  }

  let wakeAt = deadlineAt;
  if (keep.length < wantActive) {
    // Back-off: failures since the last success, counted from the newest failure.
    const lastSuccess = Math.max(0, ...succeededPods.map((p) => p.finishedAt ?? p.createdAt));
    const recentFailures = failedPods.filter((p) => (p.finishedAt ?? p.createdAt) > lastSuccess);
    const lastFailure = Math.max(0, ...recentFailures.map((p) => p.finishedAt ?? p.createdAt));
    const allowedAt = lastFailure + jobBackoffDelayMs(recentFailures.length, backoff);
    if (recentFailures.length > 0 && now < allowedAt) {
      wakeAt = earliest(wakeAt, allowedAt);
    } else {
      const taken = new Set(pods.map((p) => p.name));
      const owner = jobOwner(job);
      const running = new Set(keep.map(indexOf));
      let nextIndex = 0;
      for (let i = keep.length; i < wantActive; i++) {
        let index: number | undefined;
        if (indexed) {
          while (succeededIndexes.has(nextIndex) || running.has(nextIndex)) nextIndex++;
          index = nextIndex++;
        }
        const base = index === undefined ? name : `${name}-${index}`;
        const podName = generateName(base, random, taken);
        taken.add(podName);
        intents.push({
          kind: 'create-pod',
          name: podName,
          template: jobPodTemplate(job, index),
          owner,
        });
      }
    }
  }
  writeCounts(keep);
  return { intents, status, ...(wakeAt === undefined ? {} : { wakeAt }) };
}

/**
 * The pod a Job makes: its template with the labels the controller adds (job-name,
 * controller-uid, in both spellings), and for an Indexed Job the completion index as
 * annotation and label, JOB_COMPLETION_INDEX in every container (from the annotation,
 * as the controller injects it) and hostname `<job>-<index>`.
 */
export function jobPodTemplate(job: Job, index?: number): PodTemplateSpec {
  const name = job.metadata?.name ?? '';
  const uid = job.metadata?.uid;
  if (!uid)
    throw new Error(`Job ${name} has no metadata.uid: the caller assigns one when storing it`);
  const template = structuredClone(job.spec?.template ?? {});
  const labels: Record<string, string> = { ...template.metadata?.labels };
  for (const key of JOB_NAME_LABELS) labels[key] = name;
  for (const key of CONTROLLER_UID_LABELS) labels[key] = uid;
  const annotations: Record<string, string> = { ...template.metadata?.annotations };
  const spec = template.spec ?? { containers: [] };
  if (index !== undefined) {
    labels[COMPLETION_INDEX_ANNOTATION] = String(index);
    annotations[COMPLETION_INDEX_ANNOTATION] = String(index);
    const env: EnvVar = {
      name: COMPLETION_INDEX_ENV,
      valueFrom: {
        fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` },
      },
    };
    const withIndex = (c: Container): Container =>
      (c.env ?? []).some((e) => e.name === COMPLETION_INDEX_ENV)
        ? c
        : { ...c, env: [...(c.env ?? []), env] };
    spec.containers = spec.containers.map(withIndex);
    if (spec.initContainers) spec.initContainers = spec.initContainers.map(withIndex);
    spec.hostname ??= `${name}-${index}`;
  }
  return {
    metadata: { labels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    spec,
  };
}
