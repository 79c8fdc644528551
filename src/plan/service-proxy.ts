// A Service's proxy container: the static pause binary in proxy mode
// (`/pause --proxy CONFIG`, images/pause/proxy.c), on the namespace network, whose
// config file lists each service port and its Ready endpoints. Pure: the config
// text and the create options; src/docker/service-proxy.ts writes the file.
import type Docker from 'dockerode';

/**
 * Where the proxy reads its config inside the container: in a directory of the
 * proxy's user (the image makes it), so the proxy can save a config it took over its
 * control channel.
 */
export const PROXY_CONFIG_PATH = '/run/podrun/proxy.conf';
/** Where proxies of an older podrun read theirs (their Cmd names it). */
const OLD_PROXY_CONFIG_PATH = '/etc/podrun-proxy.conf';

/**
 * On the proxy container: "PORT TOKEN" of its control channel (images/pause/
 * proxy-control.c), which takes a whole config over TCP at the proxy's address.
 * The token keeps the namespace's pods, which reach that address too, out.
 */
export const PROXY_CONTROL_LABEL = 'io.podrun.proxy-control';

export interface ProxyControl {
  port: number;
  token: string;
}

/** The control port: a high one that is none of the Service's own ports. */
export function proxyControlPort(servicePorts: readonly number[]): number {
  const taken = new Set(servicePorts);
  let port = 65001;
  while (taken.has(port)) port--;
  return port;
}

export function proxyControlLabel(control: ProxyControl): string {
  return `${control.port} ${control.token}`;
}

/** The control channel a proxy container's label names; undefined for none (an older proxy). */
export function parseProxyControl(label: string | undefined): ProxyControl | undefined {
  const match = /^(\d{1,5}) ([0-9a-f]{16,128})$/.exec(label ?? '');
  if (!match) return undefined;
  const port = Number(match[1]);
  return port >= 1 && port <= 65535 ? { port, token: match[2] as string } : undefined;
}

/** The config path of a proxy container, from its listed command ("/pause --proxy PATH"). */
export function proxyConfigPathOf(command: string | undefined): string {
  const path = /--proxy (\S+)/.exec(command ?? '')?.[1];
  return path === OLD_PROXY_CONFIG_PATH ? OLD_PROXY_CONFIG_PATH : PROXY_CONFIG_PATH;
}

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
  /** The control channel (PROXY_CONTROL_LABEL); without it the proxy reads its file only. */
  control?: ProxyControl;
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
    ...(input.control
      ? {
          Env: [`PODRUN_PROXY_CONTROL=${proxyControlLabel(input.control)}`],
          Labels: { ...input.labels, [PROXY_CONTROL_LABEL]: proxyControlLabel(input.control) },
        }
      : { Labels: input.labels }),
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
