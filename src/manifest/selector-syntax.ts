// kubectl's `-l/--selector` text (apimachinery's labels.Parse) as a LabelSelector, so
// the one matcher (manifest/selector.ts) serves the command line, Services and the
// workload controllers alike. Requirements are joined by commas:
//   key=value  key==value  key!=value  key in (a,b)  key notin (a,b)  key  !key
// `!=` and `notin` also match a pod without the key, as in Kubernetes.
import type { LabelSelector, LabelSelectorRequirement } from 'kubernetes-types/meta/v1.js';

export class SelectorSyntaxError extends Error {
  override name = 'SelectorSyntaxError';
  constructor(text: string, reason: string) {
    super(`unable to parse selector "${text}": ${reason}`);
  }
}

// A label key: an optional DNS prefix and a name; a value: up to 63 name characters.
const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Split on commas outside parentheses. */
function requirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim());
}

function checkKey(text: string, key: string): string {
  if (!KEY.test(key) || key.length > 316)
    throw new SelectorSyntaxError(text, `invalid label key "${key}"`);
  return key;
}

function checkValue(text: string, value: string): string {
  if (!VALUE.test(value) || value.length > 63)
    throw new SelectorSyntaxError(text, `invalid label value "${value}"`);
  return value;
}

function requirement(text: string, part: string): LabelSelectorRequirement {
  if (part === '') throw new SelectorSyntaxError(text, 'found an empty requirement');
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
  if (set) {
    const values = set[3]!.split(',').map((value) => checkValue(text, value.trim()));
    return {
      key: checkKey(text, set[1]!),
      operator: set[2] === 'in' ? 'In' : 'NotIn',
      values,
    };
  }
  const compare = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
  if (compare) {
    return {
      key: checkKey(text, compare[1]!),
      operator: compare[2] === '!=' ? 'NotIn' : 'In',
      values: [checkValue(text, compare[3]!)],
    };
  }
  const absent = /^!\s*(\S+)$/.exec(part);
  if (absent) return { key: checkKey(text, absent[1]!), operator: 'DoesNotExist' };
  if (/^\S+$/.test(part)) return { key: checkKey(text, part), operator: 'Exists' };
  throw new SelectorSyntaxError(text, `cannot read "${part}"`);
}

/** Parse a `-l` selector; an empty text selects everything (as kubectl's). */
export function parseSelector(text: string): LabelSelector {
  if (text.trim() === '') return {};
  return { matchExpressions: requirements(text).map((part) => requirement(text, part)) };
}
