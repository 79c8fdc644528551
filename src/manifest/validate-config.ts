// ConfigMap and Secret checks, and the one normalization the API server makes to a
// Secret: `stringData` is merged into `data` as base64, so later stages read only `data`.
import type { ConfigMap, Secret } from 'kubernetes-types/core/v1.js';
import { configKeyError, dnsSubdomainError } from './names.js';
import { type Reporter, say } from './report.js';
import { isObj, obj } from './shape.js';
import { checkMetadata } from './validate-metadata.js';

// Go's base64.StdEncoding, which decodes Secret data: padded, and it skips line breaks.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isBase64(value: string): boolean {
  return BASE64.test(value.replace(/[\r\n]/g, ''));
}

function checkKeys(object: unknown, fields: string[], base64Fields: string[], report: Reporter) {
  const seen = new Set<string>();
  for (const field of fields) {
    const map = obj(obj(object)[field]);
    for (const [key, value] of Object.entries(map)) {
      const why = configKeyError(key);
      if (why) report.error([field, key], say.invalid(key, why));
      if (seen.has(key) && field !== 'stringData') report.error([field, key], say.duplicate(key));
      seen.add(key);
      if (base64Fields.includes(field) && typeof value === 'string' && !isBase64(value)) {
        report.error([field, key], say.invalid('<value>', 'illegal base64 data'));
      }
    }
  }
}

export function checkConfigMap(configMap: unknown, report: Reporter): void {
  checkMetadata(configMap, report, dnsSubdomainError);
  checkKeys(configMap, ['data', 'binaryData'], ['binaryData'], report);
}

export function checkSecret(secret: unknown, report: Reporter): void {
  checkMetadata(secret, report, dnsSubdomainError);
  checkKeys(secret, ['data', 'stringData'], ['data'], report);
}

/** Merges `stringData` into `data` as the API server does (stringData wins), in place. */
export function normalizeSecret(secret: Secret): void {
  if (!isObj(secret.stringData)) return;
  const data: Record<string, string> = { ...(secret.data ?? {}) };
  for (const [key, value] of Object.entries(secret.stringData)) {
    if (typeof value === 'string') data[key] = Buffer.from(value, 'utf8').toString('base64');
  }
  secret.data = data;
  delete secret.stringData;
}

/** The keys a ConfigMap holds, text and binary. */
export function configMapKeys(configMap: ConfigMap): string[] {
  return [...Object.keys(configMap.data ?? {}), ...Object.keys(configMap.binaryData ?? {})];
}

/** The keys a Secret holds, counting stringData in case it was not normalized yet. */
export function secretKeys(secret: Secret): string[] {
  return [...new Set([...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})])];
}
