// Reading ConfigMap and Secret values, with Kubernetes' optional/missing rules.
import type { PlanContext } from './context.js';
import type { PlanPath } from './errors.js';

export interface Found {
  found: true;
  base64: string;
  text: string;
}

export type Lookup = Found | { found: false; reason: 'object' | 'key' };

function decode(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf8');
}

function encode(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export function configMapKey(ctx: PlanContext, name: string, key: string): Lookup {
  const cm = ctx.input.configMaps.get(name);
  if (!cm) return { found: false, reason: 'object' };
  const text = cm.data[key];
  if (text !== undefined) return { found: true, text, base64: encode(text) };
  const binary = cm.binaryData[key];
  if (binary !== undefined) return { found: true, base64: binary, text: decode(binary) };
  return { found: false, reason: 'key' };
}

export function secretKey(ctx: PlanContext, name: string, key: string): Lookup {
  const secret = ctx.input.secrets.get(name);
  if (!secret) return { found: false, reason: 'object' };
  const base64 = secret.data[key];
  if (base64 === undefined) return { found: false, reason: 'key' };
  return { found: true, base64, text: decode(base64) };
}

/**
 * A key reference as env and volume items use it: the value, or undefined when it
 * is missing; a missing non-optional reference is recorded as an error at `path`.
 */
export function resolveKeyRef(
  ctx: PlanContext,
  kind: 'configmap' | 'secret',
  name: string,
  key: string,
  optional: boolean | undefined,
  path: PlanPath,
): Found | undefined {
  const lookup = kind === 'configmap' ? configMapKey(ctx, name, key) : secretKey(ctx, name, key);
  if (lookup.found) return lookup;
  if (!optional) {
    ctx.issues.error(
      path,
      lookup.reason === 'object'
        ? `${kind} "${name}" not found in namespace ${ctx.namespace}`
        : `key "${key}" not found in ${kind} "${name}"`,
    );
  }
  return undefined;
}

/** All entries of a ConfigMap (data and binaryData) or Secret, sorted by key; undefined if missing. */
export function allEntries(
  ctx: PlanContext,
  kind: 'configmap' | 'secret',
  name: string,
): { key: string; base64: string; text: string }[] | undefined {
  if (kind === 'configmap') {
    const cm = ctx.input.configMaps.get(name);
    if (!cm) return undefined;
    const out = [
      ...Object.entries(cm.data).map(([key, text]) => ({ key, text, base64: encode(text) })),
      ...Object.entries(cm.binaryData).map(([key, base64]) => ({
        key,
        base64,
        text: decode(base64),
      })),
    ];
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  const secret = ctx.input.secrets.get(name);
  if (!secret) return undefined;
  return Object.entries(secret.data)
    .map(([key, base64]) => ({ key, base64, text: decode(base64) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
