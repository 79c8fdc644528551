// The one line a caller prints for each object accepted without effect.
import { formatLocation } from './errors.js';
import { IGNORED_KINDS } from './kinds.js';
import type { IgnoredObject, ManifestObject } from './types.js';

/**
 * `Warning: k8s/sa.yaml:1:1: ServiceAccount/app ignored: podrun runs no API server: no
 * pod gets a token for it`: where it was written, kind and name, and why applying it
 * changes nothing on one engine. Prefixed as podrun prints its other manifest warnings.
 */
export function ignoredObjectWarning(entry: ManifestObject<IgnoredObject>): string {
  const { kind, metadata } = entry.object;
  const effect = IGNORED_KINDS[kind]?.effect ?? 'podrun does nothing with this kind';
  return `Warning: ${formatLocation(entry.source)}: ${kind}/${metadata.name} ignored: ${effect}`;
}
