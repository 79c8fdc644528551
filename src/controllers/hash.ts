// pod-template-hash: the label that ties a Deployment's ReplicaSet (and its pods) to one
// version of the pod template.
//
// How it is computed. Kubernetes (controller.ComputeHash) runs FNV-1a 32-bit over the
// template as printed by a deep spew printer, then over the collisionCount (4 bytes,
// little endian) when set, and writes the decimal value through rand.SafeEncodeString
// (each digit mapped onto the alphabet bcdfghjklmnpqrstvwxz2456789, so '0'→'4', '6'→'b'):
// a value such as "7c5ddbdf54". podrun cannot reproduce Go's spew output, so it hashes
// the template's canonical JSON instead (object keys sorted at every depth, fields that
// are unset left out), then the collisionCount the same way, and encodes it the same way.
// The value looks like Kubernetes' and is stable across runs, processes and podrun
// versions that keep this function, but is not the value a cluster would compute for the
// same template.
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { KUBE_ALPHABET } from './names.js';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv1a(bytes: Uint8Array, hash = FNV_OFFSET): number {
  let h = hash;
  for (const byte of bytes) {
    h ^= byte;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** JSON with object keys sorted at every depth, so equal objects print equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** rand.SafeEncodeString: each character onto the alphabet by its code. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += KUBE_ALPHABET[(ch.codePointAt(0) ?? 0) % KUBE_ALPHABET.length];
  return out;
}

export function podTemplateHash(
  template: PodTemplateSpec | undefined,
  collisionCount?: number,
): string {
  let hash = fnv1a(new TextEncoder().encode(canonicalJson(template ?? {})));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv1a(bytes, hash);
  }
  return safeEncodeString(String(hash));
}

/** The template without its pod-template-hash label, to compare a ReplicaSet's with a Deployment's. */
export function withoutHashLabel(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const copy = structuredClone(template ?? {});
  const labels = copy.metadata?.labels;
  if (labels && POD_TEMPLATE_HASH_LABEL in labels) {
    delete labels[POD_TEMPLATE_HASH_LABEL];
    if (Object.keys(labels).length === 0) delete copy.metadata?.labels;
  }
  return copy;
}

/** EqualIgnoreHash: the two templates are one version, pod-template-hash aside. */
export function sameTemplate(
  a: PodTemplateSpec | undefined,
  b: PodTemplateSpec | undefined,
): boolean {
  return canonicalJson(withoutHashLabel(a)) === canonicalJson(withoutHashLabel(b));
}
