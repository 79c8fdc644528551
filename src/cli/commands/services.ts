// podrun get svc|endpoints, describe svc, delete svc: Services read back from their
// proxy containers (src/services/records.ts), laid out as kubectl does
// (plan/service-table.ts has the rows).

import { endpointsTableRows, formatSelector, serviceTableRows } from '../../plan/service-table.js';
import type { ProbeReport } from '../../pod/probes/report.js';
import { listPodRecords } from '../../pod/records.js';
import { listServiceRecords, type ServiceRecord } from '../../pod/service-records.js';
import { deleteServiceRecord } from '../../services/delete-service.js';
import { endpointPodOf, endpointServiceOf, endpointsOf } from '../../services/endpoints-sync.js';
import { readServiceEvents } from '../../services/service-event-file.js';
import { serviceObject, servicePortsOf, serviceTypeOf } from '../../services/service-object.js';
import { reportsFor } from '../../supervisor/client.js';
import { formatAge } from '../output.js';
import { stdio } from '../stdio.js';
import type { BulkChoice } from './bulk-choice.js';
import { eventsSection } from './events-table.js';

export const SERVICE_TYPES = ['svc', 'service', 'services'];
export const ENDPOINTS_TYPES = ['ep', 'endpoints'];

interface ListFlags {
  namespace: string;
  allNamespaces?: boolean;
  output?: string;
}

function nameArg(arg: string): string {
  return arg.replace(/^(svc|services?|ep|endpoints)\//, '');
}

async function wantedServices(names: string[], flags: ListFlags): Promise<ServiceRecord[]> {
  const wanted = new Set(names.map(nameArg));
  const records = (
    await listServiceRecords(flags.allNamespaces ? {} : { namespace: flags.namespace })
  ).filter((record) => wanted.size === 0 || wanted.has(record.name));
  for (const name of wanted) {
    if (!records.some((record) => record.name === name)) {
      throw new Error(`services "${name}" not found in namespace ${flags.namespace}`);
    }
  }
  return records;
}

/** One Service or Endpoints row with the object -o and --sort-by read. */
export interface ListedView {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  object: unknown;
  /** The kind's own cells, NAME first (get.ts adds NAMESPACE, -L, LABELS). */
  cells: string[];
}

export async function serviceViews(
  names: string[],
  flags: ListFlags,
): Promise<{ header: string[]; views: ListedView[] }> {
  const records = await wantedServices(names, flags);
  const [header = [], ...rows] = serviceTableRows(
    records.map((record) => ({
      name: record.name,
      namespace: record.namespace,
      type: serviceTypeOf(record),
      clusterIP: record.clusterIP || undefined,
      ports: servicePortsOf(record),
      selector: record.service.spec?.selector,
      age: formatAge(record.createdAt),
    })),
    { wide: flags.output === 'wide' },
  );
  return {
    header,
    views: records.map((record, i) => ({
      namespace: record.namespace,
      name: record.name,
      labels: record.service.metadata?.labels,
      object: serviceObject(record),
      cells: rows[i] ?? [],
    })),
  };
}

/** The endpoints of these Services, from their namespaces' pods and the supervisor's probes. */
async function endpointsFor(records: ServiceRecord[], allNamespaces: boolean, namespace: string) {
  const [pods, reports] = await Promise.all([
    listPodRecords(allNamespaces ? {} : { namespace }),
    reportsFor(allNamespaces ? undefined : namespace),
  ]);
  const report: ProbeReport = Object.assign({}, ...Object.values(reports).map((r) => r.probes));
  const endpointPods = pods.map((pod) => endpointPodOf(pod, report));
  return records.map((record) => endpointsOf(record, endpointPods));
}

export async function endpointsViews(
  names: string[],
  flags: ListFlags,
): Promise<{ header: string[]; views: ListedView[] }> {
  const records = (await wantedServices(names, flags)).filter((r) => r.clusterIP !== 'None');
  const endpoints = await endpointsFor(records, flags.allNamespaces === true, flags.namespace);
  const objects = records.map((record, i) => ({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: record.name,
      namespace: record.namespace,
      ...(record.service.metadata?.labels ? { labels: record.service.metadata.labels } : {}),
    },
    subsets: endpoints[i]!.ports.some((p) => p.ready.length + p.notReady.length > 0)
      ? endpoints[i]!.ports.map((port) => ({
          addresses: port.ready.map((t) => ({
            ip: t.ip,
            targetRef: { kind: 'Pod', name: t.pod },
          })),
          notReadyAddresses: port.notReady.map((t) => ({
            ip: t.ip,
            targetRef: { kind: 'Pod', name: t.pod },
          })),
          ports: [
            {
              ...(port.name ? { name: port.name } : {}),
              port: port.ready[0]?.port ?? port.notReady[0]?.port,
              protocol: port.protocol,
            },
          ],
        }))
      : undefined,
  }));
  const [header = [], ...rows] = endpointsTableRows(
    records.map((record, i) => ({
      name: record.name,
      namespace: record.namespace,
      service: endpointServiceOf(record.service),
      endpoints: endpoints[i]!,
      age: formatAge(record.createdAt),
    })),
    {},
  );
  return {
    header,
    views: records.map((record, i) => ({
      namespace: record.namespace,
      name: record.name,
      labels: record.service.metadata?.labels,
      object: objects[i],
      cells: rows[i] ?? [],
    })),
  };
}

/** kubectl describe svc: its fields in its order, then its Events. */
/** The Services of a namespace with their labels (describe svc -l). */
export async function serviceNamesAndLabels(
  namespace: string,
): Promise<{ name: string; labels?: Record<string, string> }[]> {
  return (await listServiceRecords({ namespace })).map((record) => ({
    name: record.name,
    labels: record.service.metadata?.labels,
  }));
}

/** kubectl describe svc NAME's text. */
export async function describeServiceText(name: string, namespace: string): Promise<string> {
  const [record] = await wantedServices([name], { namespace });
  if (!record) throw new Error(`services "${name}" not found in namespace ${namespace}`);
  const [endpoints] = await endpointsFor([record], false, namespace);
  const service = record.service;
  const type = serviceTypeOf(record);
  const out: string[] = [];
  const field = (label: string, value: string) => out.push(`${`${label}:`.padEnd(26)}${value}`);
  const map = (entries: Record<string, string> | undefined, sep: string) =>
    Object.entries(entries ?? {})
      .map(([k, v]) => `${k}${sep}${v}`)
      .join(`\n${' '.repeat(26)}`) || '<none>';
  field('Name', record.name);
  field('Namespace', record.namespace);
  field('Labels', map(service.metadata?.labels, '='));
  field('Annotations', map(service.metadata?.annotations, ': '));
  field('Selector', formatSelector(service.spec?.selector));
  field('Type', type);
  field('IP Family Policy', 'SingleStack');
  field('IP Families', 'IPv4');
  field('IP', record.clusterIP || '<none>');
  field('IPs', record.clusterIP || '<none>');
  if (type === 'LoadBalancer') field('LoadBalancer Ingress', '127.0.0.1');
  for (const [i, port] of servicePortsOf(record).entries()) {
    const portName = port.name || '<unset>';
    field('Port', `${portName}  ${port.port}/${port.protocol}`);
    field('TargetPort', `${port.targetPort}/${port.protocol}`);
    if (port.nodePort) field('NodePort', `${portName}  ${port.nodePort}/${port.protocol}`);
    const ready = endpoints?.ports[i]?.ready ?? [];
    field('Endpoints', ready.map((t) => `${t.ip}:${t.port}`).join(',') || '<none>');
  }
  field('Session Affinity', service.spec?.sessionAffinity ?? 'None');
  if (type !== 'ClusterIP') {
    field('External Traffic Policy', service.spec?.externalTrafficPolicy ?? 'Cluster');
  }
  // Only a LoadBalancer's proxy has any (services/service-events.ts says why).
  out.push(...eventsSection(await readServiceEvents(record.containerId), true));
  return `${out.join('\n')}\n`;
}

/** delete svc NAME...: the proxy goes at once (no grace: it holds nothing). */
export async function runDeleteServices(
  names: string[],
  namespace: string,
  chosen?: BulkChoice,
): Promise<void> {
  if (chosen) {
    const records = await listServiceRecords(chosen.allNamespaces ? {} : { namespace });
    const objects = records.map((r) => ({ ...r, labels: r.service.metadata?.labels }));
    for (const record of chosen.pick(objects)) {
      await deleteServiceRecord(record);
      stdio().out(`service "${record.name}" deleted\n`);
    }
    return;
  }
  if (names.length === 0)
    throw new Error('specify services to delete: by name, --all or -l SELECTOR');
  const errors: string[] = [];
  for (const name of names.map(nameArg)) {
    const [record] = await listServiceRecords({ namespace, name });
    if (!record) {
      errors.push(`services "${name}" not found`);
      continue;
    }
    await deleteServiceRecord(record);
    stdio().out(`service "${name}" deleted\n`);
  }
  if (errors.length > 0) throw new Error(errors.join('\n'));
}
