// `get svc` and `get endpoints` as kubectl prints them, as rows of cells: the CLI
// lays them out (cli/output.ts formatTable) and computes AGE. Pure, so src/cli can
// import it without anything above it.
import { type EndpointService, type ServiceEndpoints, selectsPods } from './endpoints.js';
import type { PlannedServicePort, ServiceType } from './service.js';

export interface ServiceRowInput {
  name: string;
  namespace: string;
  type: ServiceType;
  /** The proxy's address; 'None' for a headless Service; undefined before it has one. */
  clusterIP: string | undefined;
  ports: readonly PlannedServicePort[];
  selector: Readonly<Record<string, string>> | undefined;
  /** kubectl's AGE, computed by the caller. */
  age: string;
}

export interface TableOptions {
  /** -o wide: adds SELECTOR. */
  wide?: boolean;
  /** -A: a NAMESPACE column first. */
  allNamespaces?: boolean;
}

/** kubectl's PORT(S): `80:31234/TCP,53/UDP`, `<none>` without ports. */
export function formatServicePorts(ports: readonly PlannedServicePort[]): string {
  if (ports.length === 0) return '<none>';
  return ports
    .map((port) =>
      port.nodePort
        ? `${port.port}:${port.nodePort}/${port.protocol}`
        : `${port.port}/${port.protocol}`,
    )
    .join(',');
}

/**
 * EXTERNAL-IP: `<none>` for ClusterIP and NodePort (podrun sets no externalIPs);
 * a LoadBalancer is served on the host's loopback, so `127.0.0.1`.
 */
export function serviceExternalIP(type: ServiceType): string {
  return type === 'LoadBalancer' ? '127.0.0.1' : '<none>';
}

/** kubectl's SELECTOR: `app=web,tier=front` (sorted by key), `<none>` without one. */
export function formatSelector(selector: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(selector ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${v}`).join(',');
}

export function serviceTableRows(
  services: readonly ServiceRowInput[],
  options: TableOptions = {},
): string[][] {
  const header = ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'];
  if (options.wide) header.push('SELECTOR');
  if (options.allNamespaces) header.unshift('NAMESPACE');
  const rows = services.map((service) => {
    const row = [
      service.name,
      service.type,
      service.clusterIP || '<none>',
      serviceExternalIP(service.type),
      formatServicePorts(service.ports),
      service.age,
    ];
    if (options.wide) row.push(formatSelector(service.selector));
    if (options.allNamespaces) row.unshift(service.namespace);
    return row;
  });
  return [header, ...rows];
}

/** How many addresses kubectl prints before `+ N more...`. */
const SHOWN_ENDPOINTS = 3;

/**
 * kubectl's ENDPOINTS cell: ready `ip:port` pairs, port by port, the first three and
 * then `+ N more...`; bare IPs for a headless Service without ports; `<none>` when no
 * pod is an endpoint, ready or not (not-ready addresses are never shown here).
 */
export function formatEndpoints(endpoints: ServiceEndpoints): string {
  const all =
    endpoints.ports.length === 0
      ? endpoints.ready.map((address) => address.ip)
      : endpoints.ports.flatMap((port) =>
          port.ready.map((target) =>
            target.ip.includes(':')
              ? `[${target.ip}]:${target.port}`
              : `${target.ip}:${target.port}`,
          ),
        );
  // kubectl prints <none> only when the Endpoints object has no subsets at all; with
  // only not-ready addresses the cell is empty.
  const hasSubsets =
    endpoints.ports.length === 0
      ? endpoints.ready.length + endpoints.notReady.length > 0
      : endpoints.ports.some((port) => port.ready.length + port.notReady.length > 0);
  if (!hasSubsets) return '<none>';
  const shown = all.slice(0, SHOWN_ENDPOINTS).join(',');
  return all.length > SHOWN_ENDPOINTS
    ? `${shown} + ${all.length - SHOWN_ENDPOINTS} more...`
    : shown;
}

export interface EndpointsRowInput {
  name: string;
  namespace: string;
  service: EndpointService;
  endpoints: ServiceEndpoints;
  age: string;
}

/**
 * `get endpoints`: NAME ENDPOINTS AGE. A Service without a selector has no Endpoints
 * object on a cluster (nothing manages one), so it has no row here either.
 */
export function endpointsTableRows(
  items: readonly EndpointsRowInput[],
  options: Pick<TableOptions, 'allNamespaces'> = {},
): string[][] {
  const header = ['NAME', 'ENDPOINTS', 'AGE'];
  if (options.allNamespaces) header.unshift('NAMESPACE');
  const rows = items
    .filter((item) => selectsPods(item.service))
    .map((item) => {
      const row = [item.name, formatEndpoints(item.endpoints), item.age];
      if (options.allNamespaces) row.unshift(item.namespace);
      return row;
    });
  return [header, ...rows];
}
