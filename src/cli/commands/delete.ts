// podrun delete KIND NAME... | KIND --all [-A] | KIND -l SELECTOR [-A] | -f FILE
// (KIND: pods, Services, the workload kinds)
import { loadManifests } from '../../manifest/load.js';
import { manifestObjectCount } from '../../manifest/set-checks.js';
import { deleteClaimVolume, deleteConfigObject } from '../../pod/config-store.js';
import { deletePodRecord } from '../../pod/delete-pod.js';
import { PodNotFoundError } from '../../pod/errors.js';
import { listPodRecords, type PodRecord } from '../../pod/records.js';
import { findServiceRecord } from '../../pod/service-records.js';
import { deleteServiceRecord } from '../../services/delete-service.js';
import { removeNamespaceIfUnused } from '../../services/namespaces.js';
import { podNameArg } from '../output.js';
import { bulkChoice } from './bulk-choice.js';
import { runDeleteServices, SERVICE_TYPES } from './services.js';
import { deleteManifestWorkloads, runDeleteWorkloads, workloadKindOf } from './workloads.js';

interface DeleteFlags {
  filename?: string[];
  namespace: string;
  all?: boolean;
  selector?: string;
  allNamespaces?: boolean;
  gracePeriod?: number;
}

async function deleteOne(record: PodRecord, grace: number | undefined): Promise<void> {
  await deletePodRecord(record, grace);
  process.stdout.write(`pod "${record.name}" deleted\n`);
}

export async function runDelete(
  type: string | undefined,
  names: string[],
  flags: DeleteFlags,
): Promise<void> {
  if (flags.filename?.length) {
    const set = await loadManifests(flags.filename, {
      defaultNamespace: flags.namespace,
      validate: 'ignore',
      bundle: true,
      workloads: true,
    });
    // kubectl: `error: no objects passed to delete`, exit 1 (not a silent success).
    if (manifestObjectCount(set) === 0) throw new Error('no objects passed to delete');
    const missing: string[] = [];
    for (const { object } of set.pods) {
      const namespace = object.metadata?.namespace ?? flags.namespace;
      const [record] = await listPodRecords({ namespace, name: object.metadata?.name });
      if (record) await deleteOne(record, flags.gracePeriod);
      else missing.push(`pods "${object.metadata?.name}" not found`);
    }
    missing.push(...(await deleteManifestWorkloads(set.workloads, flags)));
    for (const [kind, list] of [
      ['configmap', set.configMaps],
      ['secret', set.secrets],
    ] as const) {
      for (const { object } of list) {
        const name = object.metadata?.name ?? '';
        if (await deleteConfigObject(kind, object.metadata?.namespace ?? flags.namespace, name)) {
          process.stdout.write(`${kind} "${name}" deleted\n`);
        }
      }
    }
    for (const { object } of set.persistentVolumeClaims) {
      const name = object.metadata?.name ?? '';
      if (await deleteClaimVolume(object.metadata?.namespace ?? flags.namespace, name)) {
        process.stdout.write(`persistentvolumeclaim "${name}" deleted\n`);
      }
    }
    for (const { object } of set.services) {
      const namespace = object.metadata?.namespace ?? flags.namespace;
      const name = object.metadata?.name ?? '';
      const record = await findServiceRecord(namespace, name);
      if (!record) {
        missing.push(`services "${name}" not found`);
        continue;
      }
      await deleteServiceRecord(record);
      process.stdout.write(`service "${name}" deleted\n`);
    }
    // A Namespace is its network: it goes once nothing of it is left (the pods and
    // Services above went first). Objects of ignored kinds were never created.
    for (const { object } of set.namespaces) {
      const name = object.metadata?.name ?? '';
      await removeNamespaceIfUnused(name);
      process.stdout.write(`namespace "${name}" deleted\n`);
    }
    if (missing.length > 0) throw new Error(missing.join('\n'));
    return;
  }
  if (workloadKindOf(type)) {
    return runDeleteWorkloads(type!, names, { ...flags, chosen: bulkChoice(flags, names) });
  }
  const kind = type?.replace(/\/.*$/, '');
  if (kind && SERVICE_TYPES.includes(kind)) {
    const named = type?.includes('/') ? [type, ...names] : names;
    return runDeleteServices(named, flags.namespace, bulkChoice(flags, named));
  }
  if (type === undefined || !['pod', 'pods', 'po'].includes(type.replace(/\/.*$/, ''))) {
    // Accept `delete pod/web` as kubectl does.
    if (type?.startsWith('pod/')) {
      names = [type, ...names];
    } else {
      throw new Error(
        'specify pods to delete: delete pod NAME..., delete pods --all, delete pods -l SELECTOR, or delete -f FILE',
      );
    }
  }
  const chosen = bulkChoice(flags, names);
  if (chosen) {
    const records = await listPodRecords(
      chosen.allNamespaces ? {} : { namespace: flags.namespace },
    );
    const objects = records.map((record) => ({ ...record, labels: record.pod?.metadata?.labels }));
    await Promise.all(chosen.pick(objects).map((record) => deleteOne(record, flags.gracePeriod)));
    return;
  }
  if (names.length === 0) throw new Error('specify pod names, --all or -l SELECTOR');
  const errors: string[] = [];
  for (const name of names.map(podNameArg)) {
    const [record] = await listPodRecords({ namespace: flags.namespace, name });
    if (!record) {
      errors.push(new PodNotFoundError(flags.namespace, name).message);
      continue;
    }
    await deleteOne(record, flags.gracePeriod);
  }
  if (errors.length > 0) throw new Error(errors.join('\n'));
}
