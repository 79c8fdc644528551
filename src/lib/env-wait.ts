// An environment's waits: pods Ready or Succeeded (pod/wait.ts), Deployments rolled
// out, ReplicaSets and DaemonSets ready, Jobs Complete (workloads/manage.ts), all at
// once. A Job that fails rejects with its reason; so does a workload whose pod cannot
// start (CrashLoopBackOff, a Failed pod: the same words as a bare pod's wait) instead
// of waiting out the timeout. A rollout counted complete is confirmed on its pods as a
// bare pod's wait confirms one: a container that exits at once is `running` for a few
// ms, long enough for a replica to count as available.
import type { ProbeReport } from '../pod/probes/report.js';
import { withDetails } from '../pod/records.js';
import { podStatus } from '../pod/status.js';
import { hopeless, PodWaitError, waitForPod } from '../pod/wait.js';
import { qualifiedName, type StoredKind } from '../workloads/labels.js';
import { waitForWorkload, workloadPods } from '../workloads/manage.js';
import { readWorkloads, type WorkloadViews } from '../workloads/read.js';
import type { Target } from './env-targets.js';

/** How often workload conditions and their pods are read: a start should not lag. */
const POLL_MS = 100;

export interface TargetWaitOptions {
  namespace: string;
  timeoutMs: number;
  /** The environment's supervisor: probe states of its pods. */
  probes: () => ProbeReport;
  signal?: AbortSignal;
}

type ViewsReader = (namespace: string, report: ProbeReport) => Promise<WorkloadViews>;

/**
 * One read of the namespace's workloads per poll, whatever the number of workloads
 * waited for: each read lists the engine and copies every Job's status file out of
 * its holder, and the pods being waited for start on the same engine.
 */
function sharedViews(): ViewsReader {
  let last: { at: number; views: Promise<WorkloadViews> } | undefined;
  return (namespace, report) => {
    if (!last || Date.now() - last.at >= POLL_MS) {
      last = { at: Date.now(), views: readWorkloads(namespace, report) };
      // A failed read is not shared: the next poll reads again.
      last.views.catch(() => {
        last = undefined;
      });
    }
    return last.views;
  };
}

/** Rejects once a pod of the workload cannot get ready by itself (not for Jobs: they retry). */
async function watchWorkloadPods(
  kind: StoredKind,
  name: string,
  options: TargetWaitOptions,
  done: AbortSignal,
): Promise<never> {
  for (;;) {
    for (const record of (await workloadPods(kind, options.namespace, name)) ?? []) {
      if (record.terminating) continue;
      const reason = await hopeless(podStatus(await withDetails(record), options.probes()));
      if (reason)
        throw new PodWaitError(
          `${qualifiedName(kind, name)}: pod/${record.name} will not become ready: ${reason}`,
        );
    }
    await new Promise((resolve) => setTimeout(resolve, 4 * POLL_MS));
    if (done.aborted) return new Promise<never>(() => {});
  }
}

async function waitForTarget(
  target: Target,
  options: TargetWaitOptions,
  read: ViewsReader,
): Promise<void> {
  const { namespace, timeoutMs, signal } = options;
  if (target.kind === 'Pod') {
    await waitForPod(namespace, target.name, {
      timeoutMs,
      signal,
      pollMs: POLL_MS,
      probes: async () => options.probes(),
    });
    return;
  }
  if (target.kind === 'CronJob') return; // it runs on its schedule: nothing to reach
  const done = new AbortController();
  const waits = [
    waitForWorkload(target.kind, namespace, target.name, {
      timeoutMs,
      signal,
      intervalMs: POLL_MS,
      probes: async () => options.probes(),
      read,
    }),
  ];
  const deadline = Date.now() + timeoutMs;
  try {
    await Promise.race(
      target.kind === 'Job'
        ? waits
        : [...waits, watchWorkloadPods(target.kind, target.name, options, done.signal)],
    );
  } finally {
    done.abort();
  }
  if (target.kind === 'Job') return;
  const pods = (await workloadPods(target.kind, namespace, target.name)) ?? [];
  await Promise.all(
    pods
      .filter((record) => !record.terminating)
      .map((record) =>
        waitForPod(namespace, record.name, {
          timeoutMs: Math.max(0, deadline - Date.now()),
          signal,
          pollMs: POLL_MS,
          probes: async () => options.probes(),
        }).catch((error: Error) => {
          throw new PodWaitError(
            `${qualifiedName(target.kind as StoredKind, target.name)}: ${error.message}`,
          );
        }),
      ),
  );
}

/** Every target at once; the first failure rejects (its message names the object). */
export async function waitForTargets(
  targets: readonly Target[],
  options: TargetWaitOptions,
): Promise<void> {
  const read = sharedViews();
  await Promise.all(targets.map((target) => waitForTarget(target, options, read)));
}
