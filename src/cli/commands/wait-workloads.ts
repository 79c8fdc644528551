// podrun wait job/x ds/y deployment/z --for=condition=complete|failed|delete|jsonpath=...
// As kubectl wait on those kinds: one `job.batch/x condition met` line per object as it
// meets the condition, `timed out waiting for the condition on jobs/x` otherwise. The
// objects are read as `get` reads them (src/workloads/read.ts): a Job's conditions as
// its controller step computes them, a Deployment's as its supervisor stored them.
import type { DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import { supervisorNamespaceProbes } from '../../supervisor/client.js';
import { qualifiedKind, qualifiedName, type StoredKind } from '../../workloads/labels.js';
import { readWorkloads, type WorkloadViews } from '../../workloads/read.js';
import { readStoredStatus } from '../../workloads/store.js';
import { conditionMet, type WaitFor } from '../wait-for.js';

const POLL_MS = 250;

export interface WaitedWorkload {
  kind: StoredKind;
  name: string;
}

/** The object as `get -o json` shows it, or undefined when there is none. */
async function objectOf(
  views: WorkloadViews,
  { kind, name }: WaitedWorkload,
): Promise<object | undefined> {
  switch (kind) {
    case 'Job':
      return views.jobs.find((v) => v.stored.name === name)?.object;
    case 'CronJob':
      return views.cronJobs.find((v) => v.stored.name === name)?.object;
    case 'DaemonSet':
      return views.daemonSets.find((v) => v.stored.name === name)?.object;
    case 'ReplicaSet':
      return views.replicaSets.find((v) => v.stored.name === name)?.object;
    case 'Deployment': {
      const view = views.deployments.find((v) => v.stored.name === name);
      if (!view) return undefined;
      const kept = await readStoredStatus<DeploymentStatus>(view.stored.holderId).catch(
        () => undefined,
      );
      return { ...view.stored.object, status: kept ?? {} };
    }
  }
}

export async function waitForWorkloads(
  wanted: WaitFor,
  objects: readonly WaitedWorkload[],
  options: { namespace: string; deadline: number; once: boolean },
): Promise<void> {
  const { namespace } = options;
  const pending = new Map(objects.map((o) => [qualifiedName(o.kind, o.name), o]));
  // A delete is met when the object is gone or replaced by a new one (another uid).
  const uids = new Map<string, string | undefined>();
  let first = true;
  for (;;) {
    const views = await readWorkloads(namespace, await supervisorNamespaceProbes(namespace));
    for (const [key, object] of [...pending]) {
      const found = await objectOf(views, object);
      const uid = (found as { metadata?: { uid?: string } } | undefined)?.metadata?.uid;
      if (first) uids.set(key, uid);
      if (!found && wanted.kind !== 'delete')
        throw new Error(
          `${qualifiedKind(object.kind).replace('.', 's.')} "${object.name}" not found`,
        );
      const met =
        wanted.kind === 'delete'
          ? !found || uid !== uids.get(key)
          : conditionMet(wanted, found as never);
      if (met) {
        process.stdout.write(`${key} condition met\n`);
        pending.delete(key);
      }
    }
    first = false;
    const [next] = pending.values();
    if (!next) return;
    const plural = `${next.kind.toLowerCase()}s/${next.name}`;
    if (options.once) throw new Error(`condition not met for ${plural}`);
    if (Date.now() >= options.deadline)
      throw new Error(`timed out waiting for the condition on ${plural}`);
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, Math.min(POLL_MS, options.deadline - Date.now()))),
    );
  }
}
