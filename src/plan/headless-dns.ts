// A namespace's resolver for its headless Services (clusterIP: None): the static pause
// binary in DNS mode (`/pause --dns RECORDS`, images/pause/dns.c) on the namespace
// network. It answers each headless Service's four names (`svc`, `svc.ns`,
// `svc.ns.svc`, `svc.ns.svc.cluster.local`) with its Ready pods' IPs, from a records
// file the endpoints loop writes, and forwards every other query to Docker's embedded
// DNS in its own network namespace (pods, ClusterIP aliases, external names).
//
// Why a resolver and not network aliases: Docker's embedded DNS gives a name only to
// its own container's address, and the aliases of a connected container cannot
// change, so a name whose addresses follow readiness needs a server of its own.
// Pure: the records text, names, labels and create options.
import type Docker from 'dockerode';
import { Labels } from './labels.js';
import { serviceAliases } from './service.js';

/** Where the resolver reads its records inside its container. */
export const DNS_RECORDS_PATH = '/etc/podrun-dns.conf';
/** io.podrun.role of the resolver container. */
export const RESOLVER_ROLE = 'resolver';
/** The resolver's container name prefix (docker/networks.ts removes it with the network). */
export const RESOLVER_NAME_PREFIX = 'podrun-dns_';

export function resolverDockerName(namespace: string): string {
  return `${RESOLVER_NAME_PREFIX}${namespace}`;
}

/** A headless Service as its records need it: its name and the addresses it resolves to. */
export interface HeadlessService {
  name: string;
  namespace: string;
  /** Ready endpoint IPs (not-ready ones too with publishNotReadyAddresses), any order. */
  addresses: readonly string[];
}

export interface DnsRecord {
  name: string;
  addresses: string[];
}

/** Every headless Service's four names; a name with no address answers NXDOMAIN. */
export function headlessRecords(services: readonly HeadlessService[]): DnsRecord[] {
  const records: DnsRecord[] = [];
  const sorted = [...services].sort((a, b) =>
    a.namespace === b.namespace
      ? a.name.localeCompare(b.name)
      : a.namespace.localeCompare(b.namespace),
  );
  for (const service of sorted) {
    // Sorted and deduplicated, so the text (and the writer's cache) only changes when
    // the set of addresses does.
    const addresses = [...new Set(service.addresses)].sort();
    for (const name of serviceAliases(service.name, service.namespace)) {
      records.push({ name, addresses });
    }
  }
  return records;
}

/**
 * The resolver's records file. The `end` line lets the resolver tell a complete file
 * from one still being written; a name listed twice (two namespaces' Services cannot
 * share the short forms) keeps its first entry.
 */
export function renderDnsRecords(records: readonly DnsRecord[]): string {
  const lines = ['podrun-dns 1'];
  const seen = new Set<string>();
  for (const { name, addresses } of records) {
    const key = name.toLowerCase().replace(/\.$/, '');
    if (seen.has(key)) continue;
    seen.add(key);
    if (!/^[A-Za-z0-9_.-]{1,253}$/.test(key)) {
      throw new Error(`dns records: ${JSON.stringify(name)} is not a DNS name`);
    }
    for (const address of addresses) {
      if (!/^[0-9a-fA-F.:]+$/.test(address)) {
        throw new Error(`dns records: address ${address} is not a numeric IP address`);
      }
    }
    lines.push(['name', key, ...addresses].join(' '));
  }
  lines.push('end');
  return `${lines.join('\n')}\n`;
}

export interface ResolverContainerInput {
  namespace: string;
  /** An image with podrun's pause binary at /pause (features: ... dns). */
  image: string;
  /** The namespace network (name or ID). */
  network: string;
  version: string;
  /** More labels: the supervision scope of the Service that made it. */
  extraLabels?: Record<string, string>;
}

export function resolverLabels(namespace: string, version: string): Record<string, string> {
  return {
    [Labels.managed]: 'true',
    [Labels.role]: RESOLVER_ROLE,
    [Labels.version]: version,
    [Labels.namespace]: namespace,
  };
}

/** Create options for a namespace's resolver container. */
export function resolverCreateOptions(
  input: ResolverContainerInput,
): Docker.ContainerCreateOptions & { name: string } {
  return {
    name: resolverDockerName(input.namespace),
    Image: input.image,
    // The image's entrypoint is /pause; its user (65535) binds port 53 thanks to the sysctl.
    Cmd: ['--dns', DNS_RECORDS_PATH],
    Labels: { ...resolverLabels(input.namespace, input.version), ...input.extraLabels },
    HostConfig: {
      NetworkMode: input.network,
      Sysctls: { 'net.ipv4.ip_unprivileged_port_start': '0' },
    },
  };
}

/** Whether a pod planned with these Services of its namespace uses the namespace's resolver. */
export function namespaceHasHeadless(
  services: ReadonlyArray<{ clusterIP?: string }> | undefined,
): boolean {
  return (services ?? []).some((service) => service.clusterIP === 'None');
}
