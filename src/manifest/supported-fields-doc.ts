// Renders the supported-fields table of docs/supported-fields.md from the code's own
// list, so the documentation cannot drift from what podrun implements (podman's
// hand-kept support table did). A unit test fails when the committed file is stale.
import {
  HANDLED_KINDS,
  IGNORED_KINDS,
  schemaKey,
  WORKLOAD_KINDS,
  type WorkloadKind,
} from './kinds.js';
import { type SchemaKind, schemaRoot, schemaType } from './schema.js';
import {
  DEFAULT_SERVICE_VALUES,
  DEFAULT_VALUES,
  DEFAULT_WORKLOAD_VALUES,
  FIELD_NOTES,
  IGNORED_FIELDS,
  IGNORED_SERVICE_FIELDS,
  SUPPORTED_POD_FIELDS,
  SUPPORTED_SERVICE_FIELDS,
  SUPPORTED_SERVICE_VALUES,
  SUPPORTED_VALUES,
  SUPPORTED_WORKLOAD_FIELDS,
} from './supported-fields.js';

function group(field: string): string {
  if (field.startsWith('spec.containers[]')) return 'Containers (`spec.containers[]`)';
  if (field.startsWith('spec.initContainers[]')) return 'Init containers (`spec.initContainers[]`)';
  if (field.startsWith('spec.volumes[]')) return 'Volumes (`spec.volumes[]`)';
  if (field.startsWith('metadata') || field === 'apiVersion' || field === 'kind') return 'Object';
  return 'Pod (`spec`)';
}

function shortName(field: string): string {
  return field
    .replace(/^spec\.containers\[\]\./, '')
    .replace(/^spec\.initContainers\[\]\./, '')
    .replace(/^spec\.volumes\[\]\./, '');
}

export function renderSupportedFields(): string {
  const lines = [
    '# Supported Pod fields',
    '',
    '<!-- Generated from src/manifest/supported-fields.ts by `npx tsx scripts/gen-supported-fields.ts`; do not edit. -->',
    '',
    'podrun runs every field listed here. Any other valid Kubernetes field in a Pod is',
    'reported as a warning naming the field (never silently ignored); unknown fields are',
    'errors under `--validate=strict` (the default).',
    '',
  ];
  const groups = new Map<string, string[]>();
  for (const field of SUPPORTED_POD_FIELDS) {
    const name = group(field);
    if (name.startsWith('Init containers')) continue; // same list as containers, said once below
    groups.set(name, [...(groups.get(name) ?? []), field]);
  }
  for (const [name, fields] of groups) {
    lines.push(`## ${name}`, '');
    for (const field of fields) {
      const values = SUPPORTED_VALUES[field];
      const note = values ? ` (values: ${values.map((v) => `\`${String(v)}\``).join(', ')})` : '';
      const explained = FIELD_NOTES[field] ? `: ${FIELD_NOTES[field]}` : '';
      lines.push(`- \`${shortName(field)}\`${note}${explained}`);
    }
    lines.push('');
  }
  const initOnly = SUPPORTED_POD_FIELDS.filter(
    (field) =>
      field.startsWith('spec.initContainers[]') &&
      !SUPPORTED_POD_FIELDS.includes(field.replace('spec.initContainers[]', 'spec.containers[]')),
  );
  lines.push(
    '## Init containers (`spec.initContainers[]`)',
    '',
    'Every container field above, and:',
    '',
    ...initOnly.map((field) => `- \`${shortName(field)}\``),
    '',
    '## Accepted without effect',
    '',
    'Server-managed or defaulted fields that kubectl writes into manifests; podrun',
    'accepts them silently:',
    '',
    ...IGNORED_FIELDS.map((field) => `- \`${field}\``),
    ...Object.entries(DEFAULT_VALUES).map(
      ([field, value]) => `- \`${field}\` when \`${JSON.stringify(value)}\``,
    ),
    '',
    '# Supported Service fields',
    '',
    'Read when the caller accepts bundles. Service names are DNS-1035 labels;',
    '`type: ExternalName`, `protocol: SCTP` and a fixed `clusterIP` address are errors',
    '(only empty, or `None` for a headless Service, is accepted). Any other valid field',
    "is reported as a warning. A headless Service's four names resolve, from the pods of",
    "its namespace applied after it with `dnsPolicy: ClusterFirst`, to its Ready pods' IPs",
    "(every matching pod's with `publishNotReadyAddresses: true`), TTL 5 s.",
    '',
    ...SUPPORTED_SERVICE_FIELDS.filter((field) => !field.startsWith('metadata')).map((field) => {
      const values = SUPPORTED_SERVICE_VALUES[field];
      const note = values ? ` (values: ${values.map((v) => `\`${String(v)}\``).join(', ')})` : '';
      return `- \`${field}\`${note}`;
    }),
    '',
    'Accepted without effect:',
    '',
    ...IGNORED_SERVICE_FIELDS.filter((field) => !IGNORED_FIELDS.includes(field)).map(
      (field) => `- \`${field}\``,
    ),
    ...Object.entries(DEFAULT_SERVICE_VALUES).map(
      ([field, value]) => `- \`${field}\` when \`${JSON.stringify(value)}\``,
    ),
    '',
    ...workloadSections(),
    '# Kinds accepted without effect',
    '',
    'Validated (strict unknown-field checks included) and then ignored, with one warning',
    'line each naming kind and name:',
    '',
    ...Object.entries(IGNORED_KINDS).map(
      ([kind, info]) =>
        `- \`${kind}\` (${info.apiVersions.map((v) => `\`${v}\``).join(', ')}): ${info.effect}`,
    ),
    '',
  );
  return lines.join('\n');
}

/** The fields the schema gives the object at `path` (`spec`, `spec.jobTemplate.spec`). */
function schemaFieldsAt(kind: WorkloadKind, path: string): string[] {
  const root = schemaRoot(schemaKey(HANDLED_KINDS[kind].apiVersions[0]!, kind) as SchemaKind);
  let type: string | undefined = root;
  for (const segment of path.split('.')) type = type && schemaType(type)?.fields?.[segment];
  return Object.keys((type && schemaType(type)?.fields) ?? {}).map((field) => `${path}.${field}`);
}

/**
 * One section per workload kind: the fields its controller implements, and every other
 * field its schema has (each warned about, at its line, when set).
 */
function workloadSections(): string[] {
  const lines = [
    '# Supported workload fields',
    '',
    'Read by `apply`, `up` and the library (the supervisor runs their controllers). The',
    "pod template (`spec.template`, a CronJob's `spec.jobTemplate.spec.template`) is a Pod",
    'and takes the Pod fields above. The other fields of each kind are listed as warned',
    'about: setting one prints `not supported by podrun; ignored` at its line.',
    '',
  ];
  for (const kind of WORKLOAD_KINDS) {
    const supported = SUPPORTED_WORKLOAD_FIELDS[kind].filter((f) => f.startsWith('spec.'));
    const isSupported = (field: string) =>
      supported.some((s) => s === field || s.startsWith(`${field}.`) || field.startsWith(`${s}.`));
    const levels = kind === 'CronJob' ? ['spec', 'spec.jobTemplate.spec'] : ['spec'];
    const known = levels.flatMap((level) => schemaFieldsAt(kind, level));
    const warned = known.filter(
      (field) => !isSupported(field) && !(field in DEFAULT_WORKLOAD_VALUES),
    );
    const defaults = known.filter(
      (field) => !isSupported(field) && field in DEFAULT_WORKLOAD_VALUES,
    );
    lines.push(
      `## ${kind} (\`${HANDLED_KINDS[kind].apiVersions.join('`, `')}\`)`,
      '',
      ...supported.map((field) => `- \`${field}\``),
      ...defaults.map(
        (field) =>
          `- \`${field}\` when \`${JSON.stringify(DEFAULT_WORKLOAD_VALUES[field])}\` (else warned)`,
      ),
      '',
    );
    if (warned.length > 0)
      lines.push(`Warned about: ${warned.map((field) => `\`${field}\``).join(', ')}.`, '');
  }
  return lines;
}
