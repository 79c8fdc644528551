// A Service's proxy container: the static pause binary in proxy mode
// (`/pause --proxy CONFIG`, images/pause/proxy.c), on the namespace network, whose
// config file lists each service port and its Ready endpoints. Pure: the config
// text and the create options; src/docker/service-proxy.ts writes the file.
import type Docker from 'dockerode';

/** Where the proxy reads its config inside the container. */
export const PROXY_CONFIG_PATH = '/etc/podrun-proxy.conf';

export interface ProxyEndpoint {
  /** Numeric IPv4 or IPv6 address (the proxy has no resolver). */
  ip: string;
  port: number;
}

export interface ProxyPort {
  protocol: 'TCP' | 'UDP';
  /** The Service's port: what the proxy listens on. */
  port: number;
  /** Ready endpoints only; none makes the port refuse connections. */
  endpoints: ProxyEndpoint[];
}

/**
 * The proxy's config file. The trailing `end` line lets the proxy tell a complete
 * file from one still being written, so it never applies half an endpoint list.
 */
export function renderProxyConfig(ports: ProxyPort[]): string {
  const lines = ['podrun-proxy 1'];
  const seen = new Set<string>();
  for (const { protocol, port, endpoints } of ports) {
    const key = `${protocol}/${port}`;
    if (seen.has(key)) throw new Error(`proxy config: ${key} listed twice`);
    seen.add(key);
    lines.push(`listen ${protocol.toLowerCase()} ${checkPort(port)}`);
    for (const endpoint of endpoints) {
      if (!/^[0-9a-fA-F.:]+$/.test(endpoint.ip)) {
        throw new Error(`proxy config: endpoint ${endpoint.ip} is not a numeric IP address`);
      }
      lines.push(`to ${endpoint.ip} ${checkPort(endpoint.port)}`);
    }
  }
  lines.push('end');
  return `${lines.join('\n')}\n`;
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`proxy config: port ${port} is not 1-65535`);
  }
  return port;
}

export interface ProxyContainerInput {
  name: string;
  /** An image with podrun's pause binary at /pause (features: ... proxy). */
  image: string;
  network: string;
  /** Names the proxy answers to on the network (the Service's DNS names). */
  aliases?: string[];
  /** A fixed address on the network (needs a network with a configured subnet). */
  ipv4Address?: string;
  labels: Record<string, string>;
  /** Host ports (LoadBalancer/NodePort): host 127.0.0.1:hostPort -> proxy port. */
  hostPorts?: Array<{ protocol: 'TCP' | 'UDP'; port: number; hostPort: number }>;
}

/** Create options for a Service's proxy container. */
export function proxyCreateOptions(input: ProxyContainerInput): Docker.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const { protocol, port, hostPort } of input.hostPorts ?? []) {
    const key = `${port}/${protocol.toLowerCase()}`;
    exposed[key] = {};
    // A LoadBalancer port with a node port is published twice (port and nodePort).
    bindings[key] = [...(bindings[key] ?? []), { HostIp: '127.0.0.1', HostPort: String(hostPort) }];
  }
  return {
    name: input.name,
    Image: input.image,
    // The image's entrypoint is /pause; its user (65535) needs no privileges.
    Cmd: ['--proxy', PROXY_CONFIG_PATH],
    Labels: input.labels,
    ...(input.hostPorts?.length ? { ExposedPorts: exposed } : {}),
    HostConfig: {
      NetworkMode: input.network,
      // A Service port below 1024 (80, 53) for the unprivileged user, as Docker
      // 20.10+ already sets it for containers; explicit for engines that do not.
      Sysctls: { 'net.ipv4.ip_unprivileged_port_start': '0' },
      ...(input.hostPorts?.length ? { PortBindings: bindings } : {}),
    },
    NetworkingConfig: {
      EndpointsConfig: {
        [input.network]: {
          ...(input.aliases?.length ? { Aliases: input.aliases } : {}),
          ...(input.ipv4Address ? { IPAMConfig: { IPv4Address: input.ipv4Address } } : {}),
        },
      },
    },
  };
}
