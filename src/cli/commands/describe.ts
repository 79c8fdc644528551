// podrun describe pod NAME: kubectl's layout, read back from Docker.
import { inspectContainer } from '../../docker/containers.js';
import { PodNotFoundError } from '../../pod/errors.js';
import { podEvents } from '../../pod/events.js';
import { findPodRecord } from '../../pod/records.js';
import { podStatus } from '../../pod/status.js';
import { formatAge, formatTable } from '../output.js';

export async function runDescribe(
  type: string,
  name: string,
  flags: { namespace: string },
): Promise<void> {
  if (!['pod', 'pods', 'po'].includes(type)) throw new Error(`podrun describes pods, not ${type}`);
  const record = await findPodRecord(flags.namespace, name.replace(/^pods?\//, ''));
  if (!record) throw new PodNotFoundError(flags.namespace, name);
  const status = podStatus(record);
  const pod = record.pod;
  const out: string[] = [];
  const field = (label: string, value: string, indent = 0) =>
    out.push(`${' '.repeat(indent)}${`${label}:`.padEnd(18 - indent)}${value}`);
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
      const info = summary ? await inspectContainer(summary.containerId) : undefined;
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
      } else if (info.State.Running) {
        field('State', `Running (started ${info.State.StartedAt})`, 4);
      } else if (summary.state === 'terminated') {
        field(
          'State',
          `Terminated (exit code ${info.State.ExitCode}${info.State.OOMKilled ? ', OOMKilled' : ''}, finished ${info.State.FinishedAt})`,
          4,
        );
      } else {
        field('State', 'Waiting (ContainerCreating)', 4);
      }
      field('Ready', String(summary?.ready ?? false), 4);
      field('Restart Count', String(summary?.restarts ?? 0), 4);
      const mounts = (spec.volumeMounts ?? []).map(
        (m) =>
          `${m.mountPath} from ${m.name}${m.subPath ? ` (subPath ${m.subPath})` : ''} (${m.readOnly ? 'ro' : 'rw'})`,
      );
      field('Mounts', mounts.join(`\n${' '.repeat(18)}`) || '<none>', 4);
    }
  };
  await section('Init Containers', 'init');
  await section('Containers', 'app');
  out.push('Volumes:');
  for (const volume of pod?.spec?.volumes ?? []) {
    const kind = Object.keys(volume).find((key) => key !== 'name') ?? 'unknown';
    out.push(`  ${volume.name}: ${kind}`);
  }
  out.push('Events:');
  const events = await podEvents(record);
  if (events.length === 0) {
    out.push('  <none>');
  } else {
    const rows = [
      ['Type', 'Reason', 'Age', 'From', 'Message'],
      ['----', '------', '----', '----', '-------'],
      ...events.map((event) => [
        event.type,
        event.reason,
        formatAge(event.time),
        'podrun',
        event.message,
      ]),
    ];
    out.push(
      ...formatTable(rows)
        .trimEnd()
        .split('\n')
        .map((line) => `  ${line}`),
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
