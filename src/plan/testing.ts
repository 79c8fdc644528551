// Fixtures for the plan unit tests (pure data; no Docker).
import type { Container, Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import type { ConfigMapInput, PlanInput, SecretInput } from './input.js';

export function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export function makePod(spec: Partial<PodSpec> = {}, name = 'web', namespace = 'default'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: name }, annotations: { team: 'core' } },
    spec: { containers: [{ name: 'main', image: 'nginx:1.27' }], ...spec },
  };
}

export function makeInput(
  pod: Pod,
  options: {
    configMaps?: Record<string, Partial<ConfigMapInput>>;
    secrets?: Record<string, SecretInput>;
  } & Partial<Omit<PlanInput, 'configMaps' | 'secrets' | 'pod'>> = {},
): PlanInput {
  const { configMaps = {}, secrets = {}, ...rest } = options;
  return {
    pod,
    uid: '00000000-0000-4000-8000-000000000001',
    configMaps: new Map(
      Object.entries(configMaps).map(([name, cm]) => [
        name,
        { data: cm.data ?? {}, binaryData: cm.binaryData ?? {} },
      ]),
    ),
    secrets: new Map(Object.entries(secrets)),
    pauseImage: 'podrun/pause:0.1.0',
    podrunVersion: '0.1.0',
    engine: { volumeSubpath: true },
    ...rest,
  };
}

/** A pod with one container built from the given fields. */
export function podWith(container: Partial<Container>, spec: Partial<PodSpec> = {}): Pod {
  return makePod({ ...spec, containers: [{ name: 'main', image: 'nginx:1.27', ...container }] });
}
