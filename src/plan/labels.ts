// Docker labels are podrun's only state: every object it creates carries these, and
// get/delete/cleanup read them back. podrun never touches an object without them.
export const LABEL_PREFIX = 'io.podrun.';

export const Labels = {
  /** Present (value "true") on everything podrun creates. */
  managed: 'io.podrun.managed',
  pod: 'io.podrun.pod',
  namespace: 'io.podrun.namespace',
  /** sandbox | init | app | volume | pvc | network | image | configmap | secret | service */
  role: 'io.podrun.role',
  container: 'io.podrun.container',
  podUid: 'io.podrun.pod-uid',
  specHash: 'io.podrun.spec-hash',
  version: 'io.podrun.version',
  /** Restart attempt of a container, 0 for the first. */
  attempt: 'io.podrun.attempt',
  /** On the sandbox only: the pod as applied, JSON. */
  podManifest: 'io.podrun.pod-manifest',
  /** Set by the library: the id of the process session that owns the pod (reaper). */
  owner: 'io.podrun.owner',
  /** On configmap/secret holders: the object's data, JSON. */
  data: 'io.podrun.data',
  /** On pod-scoped volumes: the Kubernetes volume name. */
  volume: 'io.podrun.volume',
  /** On a Service's proxy container: the Service name. */
  service: 'io.podrun.service',
  /** On a Service's proxy container: the Service as applied (node ports assigned), JSON. */
  serviceManifest: 'io.podrun.service-manifest',
} as const;

export type ObjectRole =
  | 'sandbox'
  | 'init'
  | 'app'
  | 'volume'
  | 'pvc'
  | 'network'
  | 'image'
  | 'configmap'
  | 'secret'
  | 'service';

export function baseLabels(
  role: ObjectRole,
  version: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { [Labels.managed]: 'true', [Labels.role]: role, [Labels.version]: version, ...extra };
}

/**
 * Labels for images podrun builds. Not `managed`: an image's labels are inherited by
 * every container made from it, and a user's own `docker run` of such an image must
 * never look like a podrun container.
 */
export function imageLabels(version: string): Record<string, string> {
  return { [Labels.role]: 'image', [Labels.version]: version };
}

/** Docker filter value selecting podrun objects, optionally narrowed by more labels. */
export function labelFilter(match: Record<string, string | undefined> = {}): string[] {
  const filters = [`${Labels.managed}=true`];
  for (const [key, value] of Object.entries(match)) {
    if (value !== undefined) filters.push(`${key}=${value}`);
  }
  return filters;
}
