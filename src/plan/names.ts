// Docker object names as a parseable convention (as cri-dockerd does): Kubernetes
// names are DNS-1123 and never contain "_", so "_" separates the parts unambiguously.
export const SANDBOX_CONTAINER_NAME = 'POD';

export function containerDockerName(
  namespace: string,
  pod: string,
  container: string,
  attempt = 0,
): string {
  return `podrun_${namespace}_${pod}_${container}_${attempt}`;
}

export function sandboxDockerName(namespace: string, pod: string, attempt = 0): string {
  return containerDockerName(namespace, pod, SANDBOX_CONTAINER_NAME, attempt);
}

export function podVolumeDockerName(namespace: string, pod: string, volume: string): string {
  return `podrun_${namespace}_${pod}_${volume}`;
}

export function claimVolumeDockerName(namespace: string, claim: string): string {
  return `podrun-pvc_${namespace}_${claim}`;
}

export function configDataDockerName(
  kind: 'configmap' | 'secret',
  namespace: string,
  name: string,
): string {
  return `podrun-${kind}_${namespace}_${name}`;
}

/** A Service's proxy container; not of the pod pattern, so pod listings never match it. */
export function serviceDockerName(namespace: string, service: string): string {
  return `podrun-svc_${namespace}_${service}`;
}

export function namespaceNetworkName(namespace: string): string {
  return `podrun_${namespace}`;
}

export interface ParsedContainerName {
  namespace: string;
  pod: string;
  container: string;
  attempt: number;
}

export function parseContainerDockerName(name: string): ParsedContainerName | undefined {
  const match = /^\/?podrun_([a-z0-9-]+)_([a-z0-9.-]+)_([A-Za-z0-9-]+)_(\d+)$/.exec(name);
  if (!match) return undefined;
  return {
    namespace: match[1]!,
    pod: match[2]!,
    container: match[3]!,
    attempt: Number(match[4]),
  };
}
