// The environment variables the kubelet gives a container for each Service of its
// pod's namespace (pkg/kubelet/envvars), docker-link style included:
//   WEB_SERVICE_HOST=10.0.0.5  WEB_SERVICE_PORT=80  WEB_SERVICE_PORT_HTTP=80
//   WEB_PORT=tcp://10.0.0.5:80  WEB_PORT_80_TCP=tcp://10.0.0.5:80
//   WEB_PORT_80_TCP_PROTO=tcp  WEB_PORT_80_TCP_PORT=80  WEB_PORT_80_TCP_ADDR=10.0.0.5
// Only Services with an address (not headless), none when the pod says
// `enableServiceLinks: false`. The kubelet adds them after the container's own env
// and envFrom, skipping any name those define, and $(VAR) in env values and in
// command/args may refer to them. (A cluster also injects KUBERNETES_SERVICE_* for
// the API server's Service; podrun runs none, so there is none.)
import { isIPv6 } from 'node:net';

/** What service links need of a Service: its name, address and ports. */
export interface LinkService {
  name: string;
  namespace: string;
  /** The address podrun gave its proxy; undefined, '' or 'None' means no links. */
  clusterIP: string | undefined;
  ports: ReadonlyArray<{ name?: string; port: number; protocol?: string }>;
}

/** The kubelet's mangling: upper case, '-' to '_' (Service names are DNS-1035 labels). */
export function serviceLinkName(name: string): string {
  return name.replaceAll('-', '_').toUpperCase();
}

function hostPort(ip: string, port: number): string {
  return isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** One Service's variables, in the kubelet's order. */
export function serviceLinkVariables(service: LinkService): Array<[string, string]> {
  const ip = service.clusterIP;
  if (ip === undefined || ip === '' || ip === 'None' || service.ports.length === 0) return [];
  const prefix = serviceLinkName(service.name);
  const vars: Array<[string, string]> = [
    [`${prefix}_SERVICE_HOST`, ip],
    [`${prefix}_SERVICE_PORT`, String(service.ports[0]!.port)],
  ];
  for (const port of service.ports) {
    if (port.name)
      vars.push([`${prefix}_SERVICE_PORT_${serviceLinkName(port.name)}`, String(port.port)]);
  }
  service.ports.forEach((port, i) => {
    const protocol = port.protocol || 'TCP';
    const url = `${protocol.toLowerCase()}://${hostPort(ip, port.port)}`;
    if (i === 0) vars.push([`${prefix}_PORT`, url]); // docker special-cases the first port
    const portPrefix = `${prefix}_PORT_${port.port}_${protocol.toUpperCase()}`;
    vars.push(
      [portPrefix, url],
      [`${portPrefix}_PROTO`, protocol.toLowerCase()],
      [`${portPrefix}_PORT`, String(port.port)],
      [`${portPrefix}_ADDR`, ip],
    );
  });
  return vars;
}

/**
 * Every service-link variable for a pod of `namespace`, Services sorted by name so a
 * container's environment is the same on every run (the kubelet's order is a Go map's).
 */
export function serviceLinkEnv(
  namespace: string,
  enableServiceLinks: boolean | undefined,
  services: readonly LinkService[],
): Map<string, string> {
  const env = new Map<string, string>();
  if (enableServiceLinks === false) return env;
  const own = services
    .filter((service) => service.namespace === namespace)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const service of own) {
    for (const [name, value] of serviceLinkVariables(service)) env.set(name, value);
  }
  return env;
}

/**
 * The container's final environment: its own variables (env and envFrom, already
 * built) first and winning, then the service links they do not define.
 */
export function withServiceLinks(
  containerEnv: ReadonlyMap<string, string>,
  links: ReadonlyMap<string, string>,
): Map<string, string> {
  const env = new Map(containerEnv);
  for (const [name, value] of links) if (!env.has(name)) env.set(name, value);
  return env;
}

/**
 * The lookup $(VAR) expansion uses in env values: the container's variables defined
 * so far, then the service links (the kubelet's MappingFuncFor(tmpEnv, serviceEnv)).
 */
export function serviceLinkLookup(
  defined: ReadonlyMap<string, string>,
  links: ReadonlyMap<string, string>,
): (name: string) => string | undefined {
  return (name) => defined.get(name) ?? links.get(name);
}
