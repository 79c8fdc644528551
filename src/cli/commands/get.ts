// podrun get pods [NAME...] [-n NS | -A] [-l SELECTOR] [-o wide|json|yaml|name|jsonpath=TEMPLATE]
import { stringify } from 'yaml';
import { matchesSelector } from '../../manifest/selector.js';
import { podObject } from '../../pod/pod-object.js';
import { listPodRecords, withDetails } from '../../pod/records.js';
import { podStatus } from '../../pod/status.js';
import { reportsFor, reviveSupervisor } from '../../supervisor/client.js';
import { renderJsonPath } from '../jsonpath.js';
import { formatAge, formatTable, podNameArg } from '../output.js';
import { parseSelector } from '../selector-syntax.js';
import { ENDPOINTS_TYPES, runGetEndpoints, runGetServices, SERVICE_TYPES } from './services.js';
import { runGetWorkloads, workloadKindOf } from './workloads.js';

interface GetFlags {
  namespace: string;
  allNamespaces?: boolean;
  selector?: string;
  /** wide, json, yaml, name, or jsonpath=TEMPLATE (pods). */
  output?: string;
}

export async function runGet(type: string, names: string[], flags: GetFlags): Promise<void> {
  if (SERVICE_TYPES.includes(type) || ENDPOINTS_TYPES.includes(type)) {
    const { output, selector } = flags;
    if (selector !== undefined || output?.startsWith('jsonpath='))
      throw new Error(`-l and -o jsonpath are for pods only (podrun does not filter ${type} yet)`);
    const listFlags = { ...flags, output: output as 'wide' | 'json' | 'yaml' | 'name' | undefined };
    return SERVICE_TYPES.includes(type)
      ? runGetServices(names, listFlags)
      : runGetEndpoints(names, listFlags);
  }
  if (workloadKindOf(type)) return runGetWorkloads(type, names, flags);
  if (!['pod', 'pods', 'po'].includes(type)) {
    throw new Error(
      `the server doesn't have a resource type "${type}" (podrun gets pods, services, endpoints)`,
    );
  }
  const wanted = new Set(names.map(podNameArg));
  const selector = flags.selector === undefined ? undefined : parseSelector(flags.selector);
  if (selector && wanted.size > 0)
    throw new Error('name cannot be provided when a selector is specified');
  const listed = (
    await listPodRecords(flags.allNamespaces ? {} : { namespace: flags.namespace })
  ).filter(
    (record) =>
      (wanted.size === 0 || wanted.has(record.name)) &&
      (!selector || matchesSelector(selector, record.pod?.metadata?.labels)),
  );
  await reviveSupervisor(listed);
  const [records, reports] = await Promise.all([
    Promise.all(listed.map(withDetails)),
    reportsFor(flags.allNamespaces ? undefined : flags.namespace),
  ]);
  const probesOf = (record: { namespace: string; name: string }) =>
    reports[`${record.namespace}/${record.name}`]?.probes;
  for (const name of wanted) {
    if (!records.some((record) => record.name === name)) {
      throw new Error(`pods "${name}" not found in namespace ${flags.namespace}`);
    }
  }
  const jsonpath = flags.output?.startsWith('jsonpath=')
    ? flags.output.slice('jsonpath='.length)
    : undefined;
  if (flags.output === 'json' || flags.output === 'yaml' || jsonpath !== undefined) {
    const objects = records.map((record) => podObject(record, probesOf(record)));
    const value =
      wanted.size === 1 ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects };
    // As kubectl: a template's output ends where the template does (no newline added).
    if (jsonpath !== undefined) process.stdout.write(renderJsonPath(jsonpath, value));
    else
      process.stdout.write(
        flags.output === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value),
      );
    return;
  }
  if (flags.output === 'name') {
    for (const record of records) process.stdout.write(`pod/${record.name}\n`);
    return;
  }
  if (records.length === 0) {
    process.stderr.write(
      flags.allNamespaces
        ? 'No resources found\n'
        : `No resources found in ${flags.namespace} namespace.\n`,
    );
    return;
  }
  const wide = flags.output === 'wide';
  const header = [
    ...(flags.allNamespaces ? ['NAMESPACE'] : []),
    'NAME',
    'READY',
    'STATUS',
    'RESTARTS',
    'AGE',
    ...(wide ? ['IP', 'PORTS'] : []),
  ];
  const rows = records.map((record) => {
    const status = podStatus(record, probesOf(record));
    const ports = (record.sandbox?.Ports ?? [])
      .filter((port) => port.PublicPort)
      .map(
        (port) =>
          // 0.0.0.0 and :: are the same "every address" binding, listed once.
          `${port.IP && port.IP !== '0.0.0.0' && port.IP !== '::' ? `${port.IP}:` : ''}${port.PublicPort}->${port.PrivatePort}/${port.Type}`,
      );
    return [
      ...(flags.allNamespaces ? [record.namespace] : []),
      record.name,
      `${status.ready}/${status.total}`,
      status.status,
      String(status.restarts),
      formatAge(record.createdAt),
      ...(wide ? [status.podIP || '<none>', [...new Set(ports)].join(',') || '<none>'] : []),
    ];
  });
  process.stdout.write(formatTable([header, ...rows]));
}
