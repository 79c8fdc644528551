// podrun get deployments|deploy|replicasets|rs|daemonsets|ds|jobs|cronjobs|cj, delete
// deployment|rs|ds|job|cj NAME..., and scale deployment/NAME --replicas=N: the stored
// objects (src/workloads) with the numbers recomputed from their pods, in kubectl's
// columns (those of Jobs, CronJobs and DaemonSets in job-rows.ts).
import type { DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import { stringify } from 'yaml';
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
import { readWorkloads } from '../../workloads/read.js';
import { readStoredStatus, type StoredWorkload } from '../../workloads/store.js';
import { renderJsonPath } from '../jsonpath.js';
import { formatAge, formatTable } from '../output.js';
import {
  CRONJOB_HEADER,
  cronJobRow,
  DAEMONSET_HEADER,
  daemonSetRow,
  JOB_HEADER,
  jobRow,
  WIDE_HEADER,
} from './job-rows.js';

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
function namesOf(type: string, names: string[]): string[] {
  const slash = type.indexOf('/');
  return slash >= 0 ? [type.slice(slash + 1), ...names] : names;
}

const plural = (kind: StoredKind) => qualifiedKind(kind).replace('.', 's.');

interface GetFlags {
  namespace: string;
  allNamespaces?: boolean;
  selector?: string;
  output?: string;
}

export async function runGetWorkloads(
  type: string,
  names: string[],
  flags: GetFlags,
): Promise<void> {
  const kind = workloadKindOf(type)!;
  if (flags.selector !== undefined)
    throw new Error(`-l is for pods only (podrun does not filter ${type} yet)`);
  const jsonpath = flags.output?.startsWith('jsonpath=')
    ? flags.output.slice('jsonpath='.length)
    : undefined;
  const namespace = flags.allNamespaces ? undefined : flags.namespace;
  const probes = namespace === undefined ? {} : await supervisorNamespaceProbes(namespace);
  const views = await readWorkloads(namespace, probes);
  // As `get pods`: pods of this scope and no supervisor (after a reboot) bring it back.
  await reviveSupervisor(views.records);
  const wanted = new Set(namesOf(type, names));
  const pick = <T extends { stored: { name: string } }>(list: T[]) =>
    list.filter((v) => wanted.size === 0 || wanted.has(v.stored.name));
  const wide = flags.output === 'wide';
  interface Row {
    stored: StoredWorkload;
    object: { status?: object };
    cells: string[];
    /** The cells are the whole row, NAME and AGE too (Jobs, DaemonSets). */
    full?: boolean;
  }
  let rows: Row[];
  if (kind === 'CronJob') {
    rows = pick(views.cronJobs).map((v) => ({
      stored: v.stored,
      object: v.object,
      cells: cronJobRow(v.object, v.object.status, wide),
      full: true,
    }));
  } else if (kind === 'Job') {
    rows = pick(views.jobs).map((v) => ({
      stored: v.stored,
      object: v.object,
      cells: jobRow(v.object, v.object.status, wide),
      full: true,
    }));
  } else if (kind === 'DaemonSet') {
    rows = pick(views.daemonSets).map((v) => ({
      stored: v.stored,
      object: v.object,
      cells: daemonSetRow(v.object, v.object.status, wide),
      full: true,
    }));
  } else {
    rows =
      kind === 'Deployment'
        ? pick(views.deployments).map((v) => ({
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
            cells: [
              `${v.numbers.ready}/${v.numbers.replicas}`,
              String(v.numbers.updated),
              String(v.numbers.available),
            ],
          }))
        : pick(views.replicaSets).map((v) => ({
            stored: v.stored,
            object: v.object,
            cells: [
              String(v.object.spec?.replicas ?? 1),
              String(v.object.status.replicas ?? 0),
              String(v.object.status.readyReplicas ?? 0),
            ],
          }));
  }
  for (const name of wanted) {
    if (!rows.some((row) => row.stored.name === name))
      throw new Error(`${plural(kind)} "${name}" not found in namespace ${flags.namespace}`);
  }
  if (flags.output === 'json' || flags.output === 'yaml' || jsonpath !== undefined) {
    // A Deployment's conditions and collisionCount: as the supervisor last stored them.
    const objects = await Promise.all(
      rows.map(async (row) => {
        if (kind !== 'Deployment') return row.object;
        const kept = await readStoredStatus<DeploymentStatus>(row.stored.holderId).catch(
          () => undefined,
        );
        const { conditions, collisionCount, observedGeneration } = kept ?? {};
        return {
          ...row.object,
          status: {
            ...(observedGeneration === undefined ? {} : { observedGeneration }),
            ...row.object.status,
            ...(collisionCount === undefined ? {} : { collisionCount }),
            ...(conditions ? { conditions } : {}),
          },
        };
      }),
    );
    const value =
      wanted.size === 1 ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects };
    if (jsonpath !== undefined) process.stdout.write(renderJsonPath(jsonpath, value));
    else
      process.stdout.write(
        flags.output === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value),
      );
    return;
  }
  if (flags.output === 'name') {
    for (const row of rows) process.stdout.write(`${qualifiedName(kind, row.stored.name)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stderr.write(
      namespace === undefined
        ? 'No resources found\n'
        : `No resources found in ${namespace} namespace.\n`,
    );
    return;
  }
  const header = [
    ...(namespace === undefined ? ['NAMESPACE'] : []),
    ...(kind === 'CronJob'
      ? [...CRONJOB_HEADER, ...(wide ? WIDE_HEADER : [])]
      : kind === 'Job'
        ? [...JOB_HEADER, ...(wide ? WIDE_HEADER : [])]
        : kind === 'DaemonSet'
          ? [...DAEMONSET_HEADER, ...(wide ? WIDE_HEADER : [])]
          : [
              'NAME',
              ...(kind === 'Deployment'
                ? ['READY', 'UP-TO-DATE', 'AVAILABLE']
                : ['DESIRED', 'CURRENT', 'READY']),
              'AGE',
            ]),
  ];
  const table = rows.map((row) => {
    if (row.full) return [...(namespace === undefined ? [row.stored.namespace] : []), ...row.cells];
    const created = Date.parse(row.stored.object.metadata?.creationTimestamp ?? '');
    return [
      ...(namespace === undefined ? [row.stored.namespace] : []),
      row.stored.name,
      ...row.cells,
      Number.isFinite(created) ? formatAge(new Date(created)) : '<unknown>',
    ];
  });
  process.stdout.write(formatTable([header, ...table]));
}

export async function runDeleteWorkloads(
  type: string,
  names: string[],
  flags: { namespace: string; gracePeriod?: number },
): Promise<void> {
  const kind = workloadKindOf(type)!;
  const all = namesOf(type, names);
  if (all.length === 0) throw new Error(`specify ${plural(kind)} to delete by name`);
  const missing: string[] = [];
  for (const name of all) {
    if (await deleteWorkload(kind, flags.namespace, name, { gracePeriod: flags.gracePeriod }))
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
