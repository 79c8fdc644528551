// Structural validation against the official Kubernetes OpenAPI schema: known fields,
// types, required fields and enum values.
//
// Why a generated table: the schema comes from the `kubernetes-models` package (itself
// generated from the Kubernetes OpenAPI document), but that package's validators do not
// reject unknown fields and loading them costs hundreds of modules at startup. So
// scripts/gen-k8s-schema.mjs distils its type declarations, at development time, into
// generated/core-v1-schema.json (about 30 KB, one JSON parse); rerun it to move to a
// newer Kubernetes version. See the script for the type notation.
import table from './generated/core-v1-schema.json' with { type: 'json' };
import type { Reporter } from './report.js';
import { say } from './report.js';
import { closestName } from './suggest.js';
import type { FieldPath } from './types.js';

interface TypeEntry {
  required: string[];
  fields: Record<string, string>;
}

const types: Record<string, TypeEntry> = table.types;

export type SchemaKind = keyof typeof table.roots;

export interface SchemaOptions {
  /** How to report a field the schema does not know (kubectl --validate strict/warn). */
  unknownFields: 'error' | 'warn';
}

/** The field table of a named schema type, for other checks and for docs. */
export function schemaType(name: string): Readonly<TypeEntry> | undefined {
  return types[name];
}

/** The schema type name of a top-level kind. */
export function schemaRoot(kind: SchemaKind): string {
  return table.roots[kind];
}

// resource.Quantity's syntax: a decimal number, then an SI or binary suffix or an exponent.
const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[numkMGTPE]|[KMGTPE]i|[eE][+-]?\d+)?$/;

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number')
    return `${Number.isInteger(value) ? 'integer' : 'number'} ${value}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks `value` (a whole object of `kind`) and reports every problem found. */
export function checkSchema(
  value: unknown,
  kind: SchemaKind,
  report: Reporter,
  options: SchemaOptions,
): void {
  // A Secret's payload never prints, not even in an error about its type.
  const isSecretPayload = (path: FieldPath) =>
    kind === 'Secret' && (path[0] === 'data' || path[0] === 'stringData');
  const expected = (path: FieldPath, type: string, got: unknown) =>
    report.error(
      path,
      `Invalid type: expected ${type}, got ${isSecretPayload(path) ? describeType(got) : describeValue(got)}`,
    );

  const walk = (v: unknown, type: string, path: FieldPath): void => {
    if (v === null || v === undefined) return; // null means "not set", as for the API server
    if (type.startsWith('[]')) {
      if (!Array.isArray(v)) {
        expected(path, 'array', v);
        return;
      }
      v.forEach((item, i) => {
        if (item === null) report.error([...path, i], say.invalid(null, 'must not be null'));
        else walk(item, type.slice(2), [...path, i]);
      });
      return;
    }
    if (type.startsWith('{}')) {
      if (!isPlainObject(v)) {
        expected(path, 'object', v);
        return;
      }
      for (const [key, item] of Object.entries(v)) walk(item, type.slice(2), [...path, key]);
      return;
    }
    if (type.startsWith('enum:')) {
      const allowed = type.slice(5).split('|');
      if (typeof v !== 'string') {
        expected(path, 'string', v);
        return;
      }
      if (!allowed.includes(v)) report.error(path, say.unsupported(v, allowed));
      return;
    }
    switch (type) {
      case 'string':
        if (typeof v !== 'string') expected(path, 'string', v);
        return;
      case 'integer':
        if (!Number.isSafeInteger(v)) expected(path, 'integer', v);
        return;
      case 'boolean':
        if (typeof v !== 'boolean') expected(path, 'boolean', v);
        return;
      case 'IntOrString':
        if (typeof v !== 'string' && !Number.isSafeInteger(v))
          expected(path, 'integer or string', v);
        return;
      case 'Quantity':
        if (typeof v === 'number') return;
        if (typeof v !== 'string') {
          expected(path, 'quantity (string or number)', v);
          return;
        }
        if (!QUANTITY.test(v)) {
          report.error(path, say.invalid(v, 'must be a quantity such as "500m", "1.5", "128Mi"'));
        }
        return;
      case 'object':
        if (!isPlainObject(v)) expected(path, 'object', v);
        return;
    }
    const entry = types[type];
    if (!entry) throw new Error(`schema table has no type ${type}`);
    if (!isPlainObject(v)) {
      expected(path, 'object', v);
      return;
    }
    for (const name of entry.required) {
      if (v[name] === undefined || v[name] === null) report.error([...path, name], say.required());
    }
    for (const [name, item] of Object.entries(v)) {
      const fieldType = entry.fields[name];
      if (fieldType === undefined) {
        const guess = closestName(name, Object.keys(entry.fields));
        const message = `unknown field${guess ? ` (did you mean "${guess}"?)` : ''}`;
        if (options.unknownFields === 'error') report.error([...path, name], message);
        else report.warn([...path, name], message);
        continue;
      }
      walk(item, fieldType, [...path, name]);
    }
  };

  walk(value, schemaRoot(kind), []);
}
