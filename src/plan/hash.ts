// The spec hash: what decides whether a running pod matches its manifest. It covers
// the pod spec, labels and annotations (the downward API can expose them), the data
// of every ConfigMap and Secret the pod references, and the pause image. Pure:
// node:crypto hashing has no side effects.
import { createHash } from 'node:crypto';
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import type { PlanInput } from './input.js';

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) out[key] = sortKeys(child);
    }
    return out;
  }
  return value;
}

/** Names of the ConfigMaps and Secrets a pod spec reads (env, envFrom, volumes). */
export function referencedConfigObjects(spec: PodSpec | undefined): {
  configMaps: string[];
  secrets: string[];
} {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  const containers = [
    ...(spec?.initContainers ?? []),
    ...(spec?.containers ?? []),
    ...(spec?.ephemeralContainers ?? []),
  ];
  for (const container of containers) {
    for (const env of container.env ?? []) {
      const cm = env.valueFrom?.configMapKeyRef?.name;
      if (cm) configMaps.add(cm);
      const secret = env.valueFrom?.secretKeyRef?.name;
      if (secret) secrets.add(secret);
    }
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef?.name) configMaps.add(from.configMapRef.name);
      if (from.secretRef?.name) secrets.add(from.secretRef.name);
    }
  }
  for (const volume of spec?.volumes ?? []) {
    if (volume.configMap?.name) configMaps.add(volume.configMap.name);
    if (volume.secret?.secretName) secrets.add(volume.secret.secretName);
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap?.name) configMaps.add(source.configMap.name);
      if (source.secret?.name) secrets.add(source.secret.name);
    }
  }
  return { configMaps: [...configMaps].sort(), secrets: [...secrets].sort() };
}

/** sha256 of the canonical JSON of everything that shapes the pod, 16 hex chars. */
export function computeSpecHash(input: PlanInput): string {
  const { pod } = input;
  const refs = referencedConfigObjects(pod.spec);
  const material = {
    spec: pod.spec ?? {},
    labels: pod.metadata?.labels ?? {},
    annotations: pod.metadata?.annotations ?? {},
    configMaps: Object.fromEntries(
      refs.configMaps.map((name) => [name, input.configMaps.get(name) ?? null]),
    ),
    secrets: Object.fromEntries(
      refs.secrets.map((name) => [name, input.secrets.get(name) ?? null]),
    ),
    pauseImage: input.pauseImage,
    publishAllPorts: input.publishAllPorts === true,
  };
  return createHash('sha256').update(canonicalJson(material)).digest('hex').slice(0, 16);
}
