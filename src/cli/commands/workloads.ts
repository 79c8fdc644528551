// podrun get deployments|deploy|replicasets|rs|daemonsets|ds|jobs|cronjobs|cj, delete
// deployment|rs|ds|job|cj NAME..., and scale deployment/NAME --replicas=N: the stored
// objects (src/workloads) with the numbers recomputed from their pods, in kubectl's
// columns (those of Jobs, CronJobs and DaemonSets in job-rows.ts).
import type { DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import type { ManifestObject, WorkloadObject } from '../../manifest/types.js';
import { reviveSupervisor, supervisorNamespaceProbes } from '../../supervisor/client.js';
import { ensureSupervisor } from '../../supervisor/launch.js';
import {
  qualifiedKind,
  qualifiedName,
  type ReplicatedKind,
  type StoredKind,
} from '../../workloads/labels.js';
import { deleteWorkload, scaleWorkload } from '../../workloads/manage.js';
import { readWorkloads, type WorkloadViews } from '../../workloads/read.js';
import { listStored, readStoredStatus, type StoredWorkload } from '../../workloads/store.js';
import type { BulkChoice } from './bulk-choice.js';
import type { ListedView } from './services.js';
import {
  CRONJOB_HEADER,
  cronJobRow,
  DAEMONSET_HEADER,
  DEPLOYMENT_HEADER,
  daemonSetRow,
  deploymentRow,
  JOB_HEADER,
  jobRow,
  REPLICASET_HEADER,
  replicaSetRow,
  WIDE_HEADER,
} from './workload-rows.js';

export const DEPLOYMENT_TYPES = ['deployment', 'deployments', 'deploy', 'deployment.apps'];
export const REPLICASET_TYPES = ['replicaset', 'replicasets', 'rs', 'replicaset.apps'];
export const DAEMONSET_TYPES = ['daemonset', 'daemonsets', 'ds', 'daemonset.apps'];
export const JOB_TYPES = ['job', 'jobs', 'job.batch'];
export const CRONJOB_TYPES = ['cronjob', 'cronjobs', 'cj', 'cronjob.batch'];
export const WORKLOAD_TYPES = [
  ...DEPLOYMENT_TYPES,
  ...REPLICASET_TYPES,
  ...DAEMONSET_TYPES,
  ...JOB_TYPES,
  ...CRONJOB_TYPES,
];

/** The kind a `get`/`delete`/`scale` type names (a `type/name` form too), if a workload. */
export function workloadKindOf(type: string | undefined): StoredKind | undefined {
  const base = type?.replace(/\/.*$/, '').toLowerCase();
  if (base && DEPLOYMENT_TYPES.includes(base)) return 'Deployment';
  if (base && REPLICASET_TYPES.includes(base)) return 'ReplicaSet';
  if (base && DAEMONSET_TYPES.includes(base)) return 'DaemonSet';
  if (base && JOB_TYPES.includes(base)) return 'Job';
  if (base && CRONJOB_TYPES.includes(base)) return 'CronJob';
  return undefined;
}

/** `deployment/x y` or `deployment x y`: the names. */
export function namesOf(type: string, names: string[]): string[] {
  const slash = type.indexOf('/');
  return slash >= 0 ? [type.slice(slash + 1), ...names] : names;
}

export const plural = (kind: StoredKind) => qualifiedKind(kind).replace('.', 's.');

export interface WorkloadListFlags {
  namespace: string;
  allNamespaces?: boolean;
  output?: string;
}

/** The stored workloads of the namespace (or all), read once for every kind listed. */
export async function readListedWorkloads(flags: WorkloadListFlags): Promise<WorkloadViews> {
  const namespace = flags.allNamespaces ? undefined : flags.namespace;
  const probes = namespace === undefined ? {} : await supervisorNamespaceProbes(namespace);
  const views = await readWorkloads(namespace, probes);
  // As `get pods`: pods of this scope and no supervisor (after a reboot) bring it back.
  await reviveSupervisor(views.records);
  return views;
}

/** One row of `get` for a workload: its stored record, the object -o json shows, NAME-first cells. */
interface WorkloadRow {
  stored: StoredWorkload;
  object: { metadata?: { labels?: Record<string, string> }; status?: object };
  cells: string[];
}

function rowsOf(kind: StoredKind, views: WorkloadViews, wide: boolean): WorkloadRow[] {
  switch (kind) {
    case 'CronJob':
      return views.cronJobs.map((v) => ({
        stored: v.stored,
        object: v.object,
        cells: cronJobRow(v.object, v.object.status, wide),
      }));
    case 'Job':
      return views.jobs.map((v) => ({
        stored: v.stored,
        object: v.object,
        cells: jobRow(v.object, v.object.status, wide),
      }));
    case 'DaemonSet':
      return views.daemonSets.map((v) => ({
        stored: v.stored,
        object: v.object,
        cells: daemonSetRow(v.object, v.object.status, wide),
      }));
    case 'Deployment':
      return views.deployments.map((v) => ({
        stored: v.stored,
        object: {
          ...v.stored.object,
          status: {
            replicas: v.numbers.current,
            updatedReplicas: v.numbers.updated,
            readyReplicas: v.numbers.ready,
            availableReplicas: v.numbers.available,
          },
        },
        cells: deploymentRow(v.stored.object, v.numbers, wide),
      }));
    case 'ReplicaSet':
      return views.replicaSets.map((v) => ({
        stored: v.stored,
        object: v.object,
        cells: replicaSetRow(v.object, v.object.status, wide),
      }));
  }
}

const HEADERS: Readonly<Record<StoredKind, readonly string[]>> = {
  Deployment: DEPLOYMENT_HEADER,
  ReplicaSet: REPLICASET_HEADER,
  DaemonSet: DAEMONSET_HEADER,
  Job: JOB_HEADER,
  CronJob: CRONJOB_HEADER,
};

/**
 * `get TYPE [NAME...]` of one workload kind as a listed group (get.ts prints it, with
 * -l, --show-labels, -L, --sort-by and the output formats as for pods): kubectl's
 * columns, and the object as -o json|yaml shows it (a Deployment's conditions as the
 * supervisor last stored them). A named object that is not there is an error.
 */
export async function workloadViews(
  kind: StoredKind,
  names: readonly string[],
  flags: WorkloadListFlags,
  read: WorkloadViews,
): Promise<{ header: string[]; views: ListedView[] }> {
  const wanted = new Set(names);
  const wide = flags.output === 'wide';
  const rows = rowsOf(kind, read, wide).filter(
    (row) => wanted.size === 0 || wanted.has(row.stored.name),
  );
  for (const name of wanted) {
    if (!rows.some((row) => row.stored.name === name))
      throw new Error(`${plural(kind)} "${name}" not found in namespace ${flags.namespace}`);
  }
  const structured =
    flags.output === 'json' || flags.output === 'yaml' || flags.output?.startsWith('jsonpath=');
  const views = await Promise.all(
    rows.map(async (row): Promise<ListedView> => {
      let object: object = row.object;
      if (kind === 'Deployment' && structured) {
        const kept = await readStoredStatus<DeploymentStatus>(row.stored.holderId).catch(
          () => undefined,
        );
        const { conditions, collisionCount, observedGeneration } = kept ?? {};
        object = {
          ...row.object,
          status: {
            ...(observedGeneration === undefined ? {} : { observedGeneration }),
            ...row.object.status,
            ...(collisionCount === undefined ? {} : { collisionCount }),
            ...(conditions ? { conditions } : {}),
          },
        };
      }
      return {
        namespace: row.stored.namespace,
        name: row.stored.name,
        labels: row.stored.object.metadata?.labels,
        object,
        cells: row.cells,
      };
    }),
  );
  // Every workload kind has kubectl's CONTAINERS IMAGES SELECTOR under -o wide.
  const header = [...HEADERS[kind], ...(wide ? WIDE_HEADER : [])];
  return { header, views };
}

export async function runDeleteWorkloads(
  type: string,
  names: string[],
  flags: { namespace: string; gracePeriod?: number; chosen?: BulkChoice },
): Promise<void> {
  const kind = workloadKindOf(type)!;
  const gracePeriod = flags.gracePeriod;
  if (flags.chosen) {
    const stored = await listStored({
      kind,
      namespace: flags.chosen.allNamespaces ? undefined : flags.namespace,
    });
    const objects = stored.map((s) => ({ ...s, labels: s.object.metadata?.labels }));
    for (const object of flags.chosen.pick(objects)) {
      if (await deleteWorkload(kind, object.namespace, object.name, { gracePeriod }))
        process.stdout.write(`${qualifiedKind(kind)} "${object.name}" deleted\n`);
    }
    return;
  }
  const all = namesOf(type, names);
  if (all.length === 0)
    throw new Error(`specify ${plural(kind)} to delete: by name, --all or -l SELECTOR`);
  const missing: string[] = [];
  for (const name of all) {
    if (await deleteWorkload(kind, flags.namespace, name, { gracePeriod }))
      process.stdout.write(`${qualifiedKind(kind)} "${name}" deleted\n`);
    else missing.push(`${plural(kind)} "${name}" not found`);
  }
  if (missing.length > 0) throw new Error(missing.join('\n'));
}

/** `delete -f`: the workloads a manifest names; the lines of those not found. */
export async function deleteManifestWorkloads(
  workloads: readonly ManifestObject<WorkloadObject>[],
  flags: { namespace: string; gracePeriod?: number },
): Promise<string[]> {
  const missing: string[] = [];
  for (const { object } of workloads) {
    const kind = workloadKindOf(object.kind);
    if (!kind) continue;
    const name = object.metadata?.name ?? '';
    const namespace = object.metadata?.namespace ?? flags.namespace;
    if (await deleteWorkload(kind, namespace, name, { gracePeriod: flags.gracePeriod }))
      process.stdout.write(`${qualifiedKind(kind)} "${name}" deleted\n`);
    else missing.push(`${plural(kind)} "${name}" not found`);
  }
  return missing;
}

export async function runScale(
  type: string,
  names: string[],
  flags: { namespace: string; replicas: number },
): Promise<void> {
  const found = workloadKindOf(type);
  const kind: ReplicatedKind | undefined =
    found === 'Deployment' || found === 'ReplicaSet' ? found : undefined;
  if (!kind)
    throw new Error(
      `podrun scales deployments and replicasets, not "${type}" (e.g. scale deployment/web --replicas=3)`,
    );
  if (!Number.isInteger(flags.replicas) || flags.replicas < 0)
    throw new Error('--replicas must be a whole number, 0 or more');
  const all = namesOf(type, names);
  if (all.length === 0) throw new Error(`specify the ${kind.toLowerCase()} to scale`);
  const missing: string[] = [];
  for (const name of all) {
    if (await scaleWorkload(kind, flags.namespace, name, flags.replicas))
      process.stdout.write(`${qualifiedName(kind, name)} scaled\n`);
    else missing.push(`${plural(kind)} "${name}" not found`);
  }
  // The supervisor runs the controllers: make sure one is there to act on the change.
  await ensureSupervisor().catch((error: Error) =>
    process.stderr.write(`Warning: ${error.message}; nothing will scale\n`),
  );
  if (missing.length > 0) throw new Error(missing.join('\n'));
}
