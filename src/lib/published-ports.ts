// Host ports the engine bound for a pod: read back from the pause container, which
// publishes every port of the pod (random ones with publishPorts).
import type Docker from 'dockerode';

export interface HostPort {
  /** Where to connect from the host. */
  host: string;
  port: number;
}

/** `${containerPort}/${protocol lower-case}` → host port, IPv4 binding preferred. */
export type PublishedPorts = Map<string, HostPort>;

export function portKey(containerPort: number, protocol = 'TCP'): string {
  return `${containerPort}/${protocol.toLowerCase()}`;
}

export function publishedPortsOf(info: Docker.ContainerInspectInfo | undefined): PublishedPorts {
  const ports: PublishedPorts = new Map();
  const bindings = (info?.NetworkSettings?.Ports ?? {}) as Record<
    string,
    Array<{ HostIp: string; HostPort: string }> | null
  >;
  for (const [key, list] of Object.entries(bindings)) {
    if (!list || list.length === 0) continue;
    const binding = list.find((b) => !b.HostIp.includes(':')) ?? list[0]!;
    const wildcard = binding.HostIp === '' || binding.HostIp === '0.0.0.0';
    const host = wildcard ? '127.0.0.1' : binding.HostIp === '::' ? '::1' : binding.HostIp;
    ports.set(key, { host, port: Number(binding.HostPort) });
  }
  return ports;
}
