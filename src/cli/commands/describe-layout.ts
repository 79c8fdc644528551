// The layout kubectl's describers share (describe.go's PrefixWriter and
// DescribePodTemplate): `Label:` padded to a column with the values under each other,
// sorted label and annotation pairs, and a pod template's containers and volumes.
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';

export const COLUMN = 24;

export function lines(out: string[], label: string, values: string[], column = COLUMN, indent = 0) {
  const head = `${' '.repeat(indent)}${`${label}:`.padEnd(Math.max(column - indent, label.length + 3))}`;
  const [first = '<none>', ...rest] = values;
  out.push(`${head}${first}`);
  for (const value of rest) out.push(`${' '.repeat(head.length)}${value}`);
}

export const pairs = (map: Record<string, string> | undefined, sep: string) =>
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
export function podTemplate(out: string[], template: PodTemplateSpec | undefined) {
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

/** An RFC 3339 time as kubectl's describe prints it (RFC 1123), or `fallback`. */
export function describeTime(text: string | undefined, fallback = '<unknown>'): string {
  const time = text ? new Date(text) : undefined;
  return time && Number.isFinite(time.getTime()) ? time.toUTCString() : fallback;
}
