// `podrun wait --for=...`, as kubectl reads it: `delete`, `condition=NAME[=VALUE]`
// (VALUE "true" by default, both compared case-insensitively with the object's
// status.conditions) or `jsonpath={PATH}[=VALUE]` (without a value: the path selects
// something). Pure: the command reads the objects and asks `conditionMet`.
import { JsonPathError, selectJsonPath } from './jsonpath.js';

export type WaitFor =
  | { kind: 'delete' }
  | { kind: 'condition'; name: string; value: string }
  | { kind: 'jsonpath'; path: string; value?: string };

export class WaitForError extends Error {
  override name = 'WaitForError';
}

export function parseWaitFor(text: string): WaitFor {
  if (text.toLowerCase() === 'delete') return { kind: 'delete' };
  const condition = /^condition=([^=]+)(?:=(.*))?$/.exec(text);
  if (condition) return { kind: 'condition', name: condition[1]!, value: condition[2] ?? 'true' };
  const jsonpath = /^jsonpath=(.+)$/s.exec(text);
  if (jsonpath) {
    // The path is the {...} part; what follows a `=` after it is the wanted value.
    const body = jsonpath[1]!;
    const close = body.lastIndexOf('}');
    const path = close >= 0 ? body.slice(0, close + 1) : body;
    const rest = close >= 0 ? body.slice(close + 1) : '';
    if (!path.startsWith('{'))
      throw new WaitForError(`--for=jsonpath: "${path}" must be a {...} expression`);
    if (rest !== '' && !rest.startsWith('='))
      throw new WaitForError(`--for=jsonpath: unexpected "${rest}" after ${path}`);
    try {
      selectJsonPath(path, {});
    } catch (error) {
      if (error instanceof JsonPathError)
        throw new WaitForError(`--for=jsonpath: ${error.message}`);
      throw error;
    }
    return rest === ''
      ? { kind: 'jsonpath', path }
      : { kind: 'jsonpath', path, value: rest.slice(1) };
  }
  throw new WaitForError(
    `unrecognized condition: "${text}" (use delete, condition=NAME[=VALUE] or jsonpath={PATH}[=VALUE])`,
  );
}

interface WithConditions {
  status?: { conditions?: Array<{ type?: string; status?: string }> };
}

/** Whether an object that exists meets `--for` (never, for `delete`: the command checks absence). */
export function conditionMet(wanted: WaitFor, object: WithConditions): boolean {
  switch (wanted.kind) {
    case 'delete':
      return false;
    case 'condition':
      return (object.status?.conditions ?? []).some(
        (c) =>
          c.type?.toLowerCase() === wanted.name.toLowerCase() &&
          c.status?.toLowerCase() === wanted.value.toLowerCase(),
      );
    case 'jsonpath': {
      const found = selectJsonPath(wanted.path, object);
      if (wanted.value === undefined) return found.length > 0;
      // As kubectl: one value, compared as printed (strings bare, anything else JSON).
      if (found.length !== 1) return false;
      const [value] = found;
      return (typeof value === 'string' ? value : JSON.stringify(value)) === wanted.value;
    }
  }
}
