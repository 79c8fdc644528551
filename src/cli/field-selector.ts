// --field-selector (k8s.io/apimachinery fields.ParseSelector): terms `k=v`, `k==v`,
// `k!=v`, comma-joined, `\` escaping `,` `=` `!` `\` in values. The fields a pod
// answers to are the API server's (pod's field label conversion); any other field
// is refused the way the server refuses it.

export class FieldSelectorError extends Error {
  override name = 'FieldSelectorError';
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Split on separators that are not escaped by a backslash. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[i + 1];
      i++;
    } else if (c === separator) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

function unescapeValue(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => {
    if (![',', '=', '!', '\\'].includes(c))
      throw new FieldSelectorError(`invalid field selector value: '${value}'`);
    return c;
  });
}

export function parseFieldSelector(text: string): FieldRequirement[] {
  const requirements: FieldRequirement[] = [];
  for (const term of splitUnescaped(text, ',')) {
    if (term === '') continue;
    let found: FieldRequirement | undefined;
    for (let i = 0; i < term.length && !found; i++) {
      if (term[i] === '\\') {
        i++;
        continue;
      }
      for (const op of ['!=', '==', '='] as const) {
        if (term.startsWith(op, i)) {
          found = {
            field: term.slice(0, i),
            op: op === '!=' ? '!=' : '=',
            value: unescapeValue(term.slice(i + op.length)),
          };
          break;
        }
      }
    }
    if (!found)
      throw new FieldSelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
    requirements.push(found);
  }
  return requirements;
}

/** Fail, as the server does, on a field this kind does not answer to. */
export function checkFields(
  requirements: readonly FieldRequirement[],
  supported: readonly string[],
): void {
  for (const { field } of requirements) {
    if (!supported.includes(field))
      throw new FieldSelectorError(`field label not supported: ${field}`);
  }
}

export function matchesFields(
  requirements: readonly FieldRequirement[],
  fields: Readonly<Record<string, string>>,
): boolean {
  return requirements.every(({ field, op, value }) =>
    op === '=' ? (fields[field] ?? '') === value : (fields[field] ?? '') !== value,
  );
}

/** The fields of a pod the API server selects on (pkg/registry/core/pod PodToSelectableFields). */
export const POD_FIELDS = [
  'metadata.name',
  'metadata.namespace',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.schedulerName',
  'spec.serviceAccountName',
  'spec.hostNetwork',
  'status.phase',
  'status.podIP',
  'status.nominatedNodeName',
];

/** Services (and endpoints) answer to their metadata only. */
export const METADATA_FIELDS = ['metadata.name', 'metadata.namespace'];

interface PodLike {
  metadata?: { name?: string; namespace?: string };
  spec?: {
    nodeName?: string;
    restartPolicy?: string;
    schedulerName?: string;
    serviceAccountName?: string;
    hostNetwork?: boolean;
  };
  status?: { phase?: string; podIP?: string; nominatedNodeName?: string };
}

export function podFields(pod: PodLike): Record<string, string> {
  return {
    'metadata.name': pod.metadata?.name ?? '',
    'metadata.namespace': pod.metadata?.namespace ?? '',
    'spec.nodeName': pod.spec?.nodeName ?? '',
    'spec.restartPolicy': pod.spec?.restartPolicy ?? '',
    'spec.schedulerName': pod.spec?.schedulerName ?? '',
    'spec.serviceAccountName': pod.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': String(pod.spec?.hostNetwork ?? false),
    'status.phase': pod.status?.phase ?? '',
    'status.podIP': pod.status?.podIP ?? '',
    'status.nominatedNodeName': pod.status?.nominatedNodeName ?? '',
  };
}
