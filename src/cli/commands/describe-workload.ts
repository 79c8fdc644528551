// podrun describe deployment|rs NAME: kubectl's layout (describe.go's DeploymentDescriber
// and ReplicaSetDescriber) over the stored object, the numbers recomputed from its pods,
// the conditions the supervisor stored, and its ScalingReplicaSet events.
import type { DeploymentStatus, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { REVISION_ANNOTATION } from '../../controllers/deployment.js';
import { sameTemplate } from '../../controllers/hash.js';
import { podStatus } from '../../pod/status.js';
import { supervisorNamespaceProbes } from '../../supervisor/client.js';
import type { StoredKind } from '../../workloads/labels.js';
import { type ReplicaSetView, readWorkloads } from '../../workloads/read.js';
import { readStoredStatus } from '../../workloads/store.js';
import { readWorkloadEvents } from '../../workloads/workload-events.js';
import { eventsSection } from './events-table.js';

const COLUMN = 24;

function lines(out: string[], label: string, values: string[], column = COLUMN, indent = 0) {
  const head = `${' '.repeat(indent)}${`${label}:`.padEnd(Math.max(column - indent, label.length + 3))}`;
  const [first = '<none>', ...rest] = values;
  out.push(`${head}${first}`);
  for (const value of rest) out.push(`${' '.repeat(head.length)}${value}`);
}

const pairs = (map: Record<string, string> | undefined, sep: string) =>
  Object.entries(map ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}${sep}${v}`);

/** kubectl's selector text: k=v,k2 in (a,b). */
export function selectorText(selector: LabelSelector | undefined): string {
  const parts = pairs(selector?.matchLabels, '=');
  for (const e of selector?.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(',') || '<none>';
}

/** DescribePodTemplate: labels, annotations, containers, volumes. */
function podTemplate(out: string[], template: PodTemplateSpec | undefined) {
  out.push('Pod Template:');
  lines(out, 'Labels', pairs(template?.metadata?.labels, '='), 0, 2);
  if (Object.keys(template?.metadata?.annotations ?? {}).length > 0)
    lines(out, 'Annotations', pairs(template?.metadata?.annotations, ': '), 0, 2);
  const section = (
    title: string,
    containers: NonNullable<PodTemplateSpec['spec']>['containers'],
  ) => {
    if (containers.length === 0) return;
    out.push(`  ${title}:`);
    for (const c of containers) {
      out.push(`   ${c.name}:`);
      const field = (label: string, values: string[]) => lines(out, label, values, 18, 4);
      field('Image', [c.image ?? '']);
      const ports = (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`);
      field('Port', [ports.join(', ') || '<none>']);
      field('Host Port', [
        (c.ports ?? []).map((p) => `${p.hostPort ?? 0}/${p.protocol ?? 'TCP'}`).join(', ') ||
          '<none>',
      ]);
      if (c.command) field('Command', c.command);
      if (c.args) field('Args', c.args);
      if (c.readinessProbe) field('Readiness', [probeText(c.readinessProbe)]);
      if (c.livenessProbe) field('Liveness', [probeText(c.livenessProbe)]);
      const env = (c.env ?? []).map((e) =>
        e.value !== undefined ? `${e.name}:  ${e.value}` : `${e.name}:  <set from a source>`,
      );
      field('Environment', env.length > 0 ? env : ['<none>']);
      const mounts = (c.volumeMounts ?? []).map(
        (m) => `${m.mountPath} from ${m.name} (${m.readOnly ? 'ro' : 'rw'})`,
      );
      field('Mounts', mounts.length > 0 ? mounts : ['<none>']);
    }
  };
  section('Init Containers', template?.spec?.initContainers ?? []);
  section('Containers', template?.spec?.containers ?? []);
  const volumes = (template?.spec?.volumes ?? []).map(
    (v) => `${v.name}: ${Object.keys(v).find((k) => k !== 'name') ?? 'unknown'}`,
  );
  lines(out, 'Volumes', volumes.length > 0 ? volumes : ['<none>'], 0, 2);
}

function probeText(
  p: NonNullable<NonNullable<PodTemplateSpec['spec']>['containers'][number]['readinessProbe']>,
) {
  const what = p.exec
    ? `exec [${(p.exec.command ?? []).join(' ')}]`
    : p.tcpSocket
      ? `tcp-socket :${p.tcpSocket.port}`
      : p.httpGet
        ? `http-get ${(p.httpGet.scheme ?? 'HTTP').toLowerCase()}://${p.httpGet.host ?? ''}:${p.httpGet.port}${p.httpGet.path ?? '/'}`
        : 'grpc';
  return `${what} delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
}

const created = (rs: ReplicaSet | undefined) => {
  const text = rs?.metadata?.creationTimestamp;
  const time = text ? new Date(text) : undefined;
  return time && Number.isFinite(time.getTime()) ? time.toUTCString() : '<unknown>';
};

const rsLine = (rs: ReplicaSetView) =>
  `${rs.stored.name} (${rs.object.status.replicas ?? 0}/${rs.object.spec?.replicas ?? 1} replicas created)`;

export async function runDescribeWorkload(
  kind: StoredKind,
  name: string,
  namespace: string,
): Promise<void> {
  const probes = await supervisorNamespaceProbes(namespace);
  const views = await readWorkloads(namespace, probes);
  const out: string[] = [];
  if (kind === 'Deployment') {
    const view = views.deployments.find((d) => d.stored.name === name);
    if (!view) throw new Error(`deployments.apps "${name}" not found in namespace ${namespace}`);
    const d = view.stored.object;
    const [kept, events] = await Promise.all([
      readStoredStatus<DeploymentStatus>(view.stored.holderId).catch(() => undefined),
      readWorkloadEvents(view.stored.holderId),
    ]);
    const template = d.spec?.template;
    const newRS = view.sets.find((rs) => sameTemplate(rs.object.spec?.template, template));
    const old = view.sets.filter((rs) => rs !== newRS && (rs.object.status.replicas ?? 0) > 0);
    const n = view.numbers;
    const annotations = {
      ...d.metadata?.annotations,
      ...(newRS?.object.metadata?.annotations?.[REVISION_ANNOTATION]
        ? { [REVISION_ANNOTATION]: newRS.object.metadata.annotations[REVISION_ANNOTATION] }
        : {}),
    };
    lines(out, 'Name', [name]);
    lines(out, 'Namespace', [namespace]);
    lines(out, 'CreationTimestamp', [created(d as ReplicaSet)]);
    lines(out, 'Labels', pairs(d.metadata?.labels, '='));
    lines(out, 'Annotations', pairs(annotations, ': '));
    lines(out, 'Selector', [selectorText(d.spec?.selector)]);
    lines(out, 'Replicas', [
      `${n.replicas} desired | ${n.updated} updated | ${n.current} total | ${n.available} available | ${Math.max(0, n.replicas - n.available)} unavailable`,
    ]);
    const strategy = d.spec?.strategy?.type ?? 'RollingUpdate';
    lines(out, 'StrategyType', [strategy]);
    lines(out, 'MinReadySeconds', [String(d.spec?.minReadySeconds ?? 0)]);
    if (strategy === 'RollingUpdate') {
      const ru = d.spec?.strategy?.rollingUpdate;
      lines(out, 'RollingUpdateStrategy', [
        `${ru?.maxUnavailable ?? '25%'} max unavailable, ${ru?.maxSurge ?? '25%'} max surge`,
      ]);
    }
    podTemplate(out, template);
    const conditions = (kept?.observedGeneration ?? 0) > 0 ? (kept?.conditions ?? []) : [];
    if (conditions.length > 0) {
      out.push('Conditions:');
      const rows = [
        ['Type', 'Status', 'Reason'],
        ['----', '------', '------'],
        ...conditions.map((c) => [c.type, c.status, c.reason ?? '']),
      ];
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      for (const row of rows)
        out.push(
          `  ${row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]! + 2) : cell)).join('')}`.trimEnd(),
        );
    }
    lines(out, 'OldReplicaSets', [old.map(rsLine).join(', ') || '<none>'], 17);
    lines(out, 'NewReplicaSet', [newRS ? rsLine(newRS) : '<none>'], 17);
    out.push(...eventsSection(events));
  } else {
    const view = views.replicaSets.find((rs) => rs.stored.name === name);
    if (!view) throw new Error(`replicasets.apps "${name}" not found in namespace ${namespace}`);
    const rs = view.object;
    const owner = rs.metadata?.ownerReferences?.find((r) => r.controller);
    const phases = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0 };
    for (const record of view.pods.filter((p) => !p.terminating)) {
      const phase = podStatus(record, probes).phase;
      if (phase in phases) phases[phase as keyof typeof phases]++;
    }
    const column = 14;
    lines(out, 'Name', [name], column);
    lines(out, 'Namespace', [namespace], column);
    lines(out, 'Selector', [selectorText(rs.spec?.selector)], column);
    lines(out, 'Labels', pairs(rs.metadata?.labels, '='), column);
    lines(out, 'Annotations', pairs(rs.metadata?.annotations, ': '), column);
    if (owner) lines(out, 'Controlled By', [`${owner.kind}/${owner.name}`], column);
    lines(
      out,
      'Replicas',
      [`${rs.status.replicas ?? 0} current / ${rs.spec?.replicas ?? 1} desired`],
      column,
    );
    lines(
      out,
      'Pods Status',
      [
        `${phases.Running} Running / ${phases.Pending} Waiting / ${phases.Succeeded} Succeeded / ${phases.Failed} Failed`,
      ],
      column,
    );
    podTemplate(out, rs.spec?.template);
    // podrun records no SuccessfulCreate/SuccessfulDelete events for ReplicaSets yet.
    out.push(...eventsSection([]));
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
