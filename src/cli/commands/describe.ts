// podrun describe TYPE [NAME] [-l SELECTOR]: kubectl's layout, read back from Docker.
// Without a name, every object of the type (or those the selector picks), a blank
// line between them, as kubectl. Pods are laid out here; Services in services.ts,
// workloads in describe-workload.ts.

import { matchesSelector } from '../../manifest/selector.js';
import { parseSelector } from '../../manifest/selector-syntax.js';
import { PodNotFoundError } from '../../pod/errors.js';
import { podEvents } from '../../pod/events.js';
import { probeSettings } from '../../pod/probes/spec.js';
import { findPodRecord, listPodRecords, type PodRecord, withDetails } from '../../pod/records.js';
import { podStatus } from '../../pod/status.js';
import { liveEventsOf, reportsFor } from '../../supervisor/client.js';
import { stdio } from '../stdio.js';
import { describeWorkloadText, workloadNamesAndLabels } from './describe-workload.js';
import { eventsSection } from './events-table.js';
import { describeServiceText, SERVICE_TYPES, serviceNamesAndLabels } from './services.js';
import { workloadKindOf } from './workloads.js';

export async function runDescribe(
  type: string,
  name: string | undefined,
  flags: { namespace: string; selector?: string },
): Promise<void> {
  if (flags.selector !== undefined && name !== undefined)
    throw new Error('name cannot be provided when a selector is specified');
  const { namespace } = flags;
  const kind = describedKind(type);
  const bare = name?.replace(/^[^/]*\//, '');
  if (bare !== undefined) {
    stdio().out(await kind.describe(bare, namespace, await reportsOf(kind, namespace)));
    return;
  }
  // No name: kubectl describes every object of the kind, or those -l selects.
  const selector = parseSelector(flags.selector ?? '');
  const [listed, reports] = await Promise.all([kind.list(namespace), reportsOf(kind, namespace)]);
  const names = listed
    .filter((item) => matchesSelector(selector, item.labels))
    .map((item) => item.name)
    .sort((a, b) => a.localeCompare(b));
  if (names.length === 0) {
    stdio().err(`No resources found in ${namespace} namespace.\n`);
    return;
  }
  const texts = await Promise.all(names.map((each) => kind.describe(each, namespace, reports)));
  stdio().out(texts.join('\n'));
}

type Reports = Awaited<ReturnType<typeof reportsFor>>;

interface DescribedKind {
  /** Pods read the supervisor's reports once for all of them. */
  pods: boolean;
  list(namespace: string): Promise<{ name: string; labels?: Record<string, string> }[]>;
  describe(name: string, namespace: string, reports: Reports): Promise<string>;
}

const reportsOf = (kind: DescribedKind, namespace: string): Promise<Reports> =>
  kind.pods ? reportsFor(namespace) : Promise.resolve({});

function describedKind(type: string): DescribedKind {
  if (SERVICE_TYPES.includes(type))
    return {
      pods: false,
      list: serviceNamesAndLabels,
      describe: (n, ns) => describeServiceText(n, ns),
    };
  const workload = workloadKindOf(type);
  if (workload)
    return {
      pods: false,
      list: (ns) => workloadNamesAndLabels(workload, ns),
      describe: (n, ns) => describeWorkloadText(workload, n, ns),
    };
  if (!['pod', 'pods', 'po'].includes(type))
    throw new Error(
      `podrun describes pods, services, deployments, replicasets, daemonsets, jobs and cronjobs, not ${type}`,
    );
  return {
    pods: true,
    list: async (ns) =>
      (await listPodRecords({ namespace: ns })).map((record) => ({
        name: record.name,
        labels: record.pod?.metadata?.labels,
      })),
    describe: async (n, ns, reports) => {
      const found = await findPodRecord(ns, n);
      if (!found) throw new PodNotFoundError(ns, n);
      return describePod(found, reports);
    },
  };
}

async function describePod(
  found: PodRecord,
  reports: Awaited<ReturnType<typeof reportsFor>>,
): Promise<string> {
  const record = await withDetails(found);
  const report = reports[`${record.namespace}/${record.name}`];
  const status = podStatus(record, report?.probes);
  const pod = record.pod;
  const out: string[] = [];
  const field = (label: string, value: string, indent = 0) =>
    out.push(
      `${' '.repeat(indent)}${`${label}:`.padEnd(Math.max(18 - indent, label.length + 2))}${value}`,
    );
  field('Name', record.name);
  field('Namespace', record.namespace);
  field('Start Time', record.createdAt.toUTCString());
  const labels = Object.entries(pod?.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`);
  field('Labels', labels.join('\n'.padEnd(19)) || '<none>');
  const annotations = Object.entries(pod?.metadata?.annotations ?? {}).map(
    ([k, v]) => `${k}: ${v}`,
  );
  field('Annotations', annotations.join('\n'.padEnd(19)) || '<none>');
  field('Status', status.phase);
  field('IP', status.podIP || '<none>');
  field(
    'Sandbox',
    record.sandbox
      ? `${record.sandbox.Names[0]?.replace(/^\//, '')} (${record.sandbox.State})`
      : '<none>',
  );

  const section = async (title: string, role: 'init' | 'app') => {
    const specs =
      role === 'init' ? (pod?.spec?.initContainers ?? []) : (pod?.spec?.containers ?? []);
    if (specs.length === 0) return;
    out.push(`${title}:`);
    for (const spec of specs) {
      const summary = status.containers.find((c) => c.name === spec.name && c.role === role);
      // withDetails above already inspected the current instances.
      const info = summary ? record.inspected?.get(summary.containerId) : undefined;
      out.push(`  ${spec.name}:`);
      field('Container ID', summary ? `docker://${summary.containerId}` : '<none>', 4);
      field('Image', spec.image ?? '', 4);
      const ports = (spec.ports ?? []).map(
        (p) =>
          `${p.containerPort}/${p.protocol ?? 'TCP'}${p.hostPort ? ` (host ${p.hostIP ?? ''}:${p.hostPort})` : ''}`,
      );
      field('Ports', ports.join(', ') || '<none>', 4);
      if (spec.command) field('Command', spec.command.join(' '), 4);
      if (spec.args) field('Args', spec.args.join(' '), 4);
      if (!info || !summary) {
        field('State', 'Waiting', 4);
        field('Reason', summary?.reason ?? 'ContainerCreating', 6);
      } else if (summary.state === 'running') {
        field('State', 'Running', 4);
        field('Started', info.State.StartedAt, 6);
      } else if (summary.state === 'terminated') {
        field('State', 'Terminated', 4);
        field('Reason', summary.reason ?? 'Error', 6);
        field('Exit Code', String(info.State.ExitCode), 6);
        field('Started', info.State.StartedAt, 6);
        field('Finished', info.State.FinishedAt, 6);
      } else {
        field('State', 'Waiting', 4);
        field('Reason', summary.reason ?? 'ContainerCreating', 6);
      }
      const last = summary?.lastState;
      if (last) {
        field('Last State', 'Terminated', 4);
        field('Reason', last.reason, 6);
        field('Exit Code', String(last.exitCode), 6);
        if (last.startedAt) field('Started', last.startedAt, 6);
        if (last.finishedAt) field('Finished', last.finishedAt, 6);
      }
      field('Ready', String(summary?.ready ?? false), 4);
      field('Restart Count', String(summary?.restarts ?? 0), 4);
      for (const kind of ['liveness', 'readiness', 'startup'] as const) {
        const probe = (() => {
          try {
            return probeSettings(spec, kind);
          } catch {
            return undefined;
          }
        })();
        if (!probe) continue;
        const h = probe.handler;
        const what =
          h.type === 'exec'
            ? `exec [${h.command.join(' ')}]`
            : h.type === 'tcp'
              ? `tcp-socket :${h.port}`
              : `http-get ${h.scheme.toLowerCase()}://${h.host ?? ''}:${h.port}${h.path}`;
        const label = `${kind[0]!.toUpperCase()}${kind.slice(1)}`;
        field(
          label,
          `${what} delay=${probe.initialDelayMs / 1000}s timeout=${probe.timeoutMs / 1000}s period=${probe.periodMs / 1000}s #success=${probe.successThreshold} #failure=${probe.failureThreshold}`,
          4,
        );
      }
      const mounts = (spec.volumeMounts ?? []).map(
        (m) =>
          `${m.mountPath} from ${m.name}${m.subPath ? ` (subPath ${m.subPath})` : ''} (${m.readOnly ? 'ro' : 'rw'})`,
      );
      field('Mounts', mounts.join(`\n${' '.repeat(18)}`) || '<none>', 4);
    }
  };
  await section('Init Containers', 'init');
  await section('Containers', 'app');
  const podReady = status.phase === 'Running' && status.ready === status.total;
  out.push('Conditions:');
  out.push('  Type              Status');
  out.push(`  Initialized       ${status.status.startsWith('Init:') ? 'False' : 'True'}`);
  out.push(`  Ready             ${podReady ? 'True' : 'False'}`);
  out.push(`  ContainersReady   ${podReady ? 'True' : 'False'}`);
  out.push(`  PodScheduled      True`);
  out.push('Volumes:');
  for (const volume of pod?.spec?.volumes ?? []) {
    const kind = Object.keys(volume).find((key) => key !== 'name') ?? 'unknown';
    out.push(`  ${volume.name}: ${kind}`);
  }
  out.push(...eventsSection(await podEvents(record, { live: liveEventsOf(report) })));
  return `${out.join('\n')}\n`;
}
