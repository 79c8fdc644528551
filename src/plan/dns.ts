// The pod's /etc/resolv.conf, as the kubelet forms it (pkg/kubelet/network/dns):
//   None          → exactly spec.dnsConfig (no cluster DNS at all)
//   ClusterFirst  → podrun's own resolver, the engine's file for the pause container on
//   (and ...WithHostNet)  the namespace network (nameserver 127.0.0.11, Docker's embedded
//                   DNS that answers pod names), merged with spec.dnsConfig
//   Default       → the host's resolver config merged with spec.dnsConfig
// Merging appends nameservers and searches without duplicates and overrides options by
// name; the result is cut to the kubelet's limits (3 nameservers; 32 search domains,
// none over 253 characters, 2048 characters in all).
//
// Docker cannot express this (HostConfig.Dns on a user-defined network only sets the
// embedded server's upstreams), so podrun writes the file into a small pod volume and
// bind-mounts it at /etc/resolv.conf in every init and app container. ClusterFirst
// without dnsConfig keeps the engine's own file untouched — unless the namespace had a
// headless Service when the pod was planned: then the namespace's resolver
// (src/plan/headless-dns.ts) replaces 127.0.0.11 as the nameserver (it answers the
// headless names and forwards everything else to 127.0.0.11), its address filled in
// at sandbox start. A pod planned before the namespace's first headless Service keeps
// the engine's file, as the pod of a cluster keeps the resolv.conf it started with.
import type { PodDNSConfig, PodSpec } from 'kubernetes-types/core/v1.js';

/** Docker's embedded DNS server on user-defined networks. */
export const EMBEDDED_DNS = '127.0.0.11';
/** The pod volume holding resolv.conf; upper case never collides with a DNS-label name. */
export const DNS_VOLUME_NAME = 'POD-dns';
export const RESOLV_CONF_FILE = 'resolv.conf';
export const RESOLV_CONF_PATH = '/etc/resolv.conf';

export const MAX_NAMESERVERS = 3;
export const MAX_SEARCHES = 32;
export const MAX_SEARCH_CHARS = 2048;
const MAX_SEARCH_LENGTH = 253;

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  /** `name` or `name:value`. */
  options: string[];
}

/** Where the base of the merge comes from: nothing, the engine's file, the host's. */
export type DnsBase = 'none' | 'engine' | 'host';

export interface PlannedDns {
  policy: 'None' | 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default';
  base: DnsBase;
  config: PodDNSConfig;
  /** The pod volume (in plan.volumes) that holds the file. */
  volumeName: string;
  file: string;
  /** Use the namespace's resolver instead of 127.0.0.11 (its IP given at sandbox start). */
  resolver?: boolean;
}

export interface DnsPlanOptions {
  /** The namespace has a headless Service, so it has a resolver (plan/headless-dns.ts). */
  namespaceResolver?: boolean;
}

/** Whether podrun writes the pod's resolv.conf, and from what; undefined: the engine's file as is. */
export function planDns(spec: PodSpec, options: DnsPlanOptions = {}): PlannedDns | undefined {
  const policy = spec.dnsPolicy ?? 'ClusterFirst';
  const config = spec.dnsConfig ?? {};
  const common = { config, volumeName: DNS_VOLUME_NAME, file: RESOLV_CONF_FILE };
  if (policy === 'None') return { policy, base: 'none', ...common };
  if (policy === 'Default') return { policy, base: 'host', ...common };
  // ClusterFirst, ClusterFirstWithHostNet (and, as the kubelet falls back, anything else).
  const resolver = options.namespaceResolver === true;
  if (!spec.dnsConfig && !resolver) return undefined;
  return {
    policy: policy === 'ClusterFirstWithHostNet' ? policy : 'ClusterFirst',
    base: 'engine',
    ...common,
    ...(resolver ? { resolver: true } : {}),
  };
}

/** Parse resolv.conf as the kubelet does: nameservers accumulate, the last search/options line wins. */
export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], searches: [], options: [] };
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const [keyword, ...fields] = trimmed.split(/\s+/);
    if (keyword === 'nameserver' && fields[0]) out.nameservers.push(fields[0]);
    // The same domain with and without its trailing dot counts once.
    if (keyword === 'search') out.searches = fields.map((domain) => domain.replace(/\.$/, ''));
    if (keyword === 'options') out.options = fields;
  }
  return out;
}

export function formatResolvConf(conf: ResolvConf): string {
  const lines = conf.nameservers.map((server) => `nameserver ${server}`);
  if (conf.searches.length > 0) lines.push(`search ${conf.searches.join(' ')}`);
  if (conf.options.length > 0) lines.push(`options ${conf.options.join(' ')}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function optionName(option: string): string {
  const colon = option.indexOf(':');
  return colon === -1 ? option : option.slice(0, colon);
}

/** Options merged by name: dnsConfig's replace the base's in place, new ones follow in order. */
function mergeOptions(base: string[], extra: PodDNSConfig['options']): string[] {
  const merged = new Map<string, string>();
  for (const option of base) merged.set(optionName(option), option);
  for (const option of extra ?? []) {
    const name = option.name ?? '';
    if (name === '') continue;
    merged.set(name, option.value ? `${name}:${option.value}` : name);
  }
  return [...merged.values()];
}

/** The kubelet's search-line limits: at most 32 domains, none over 253 characters, 2048 in all. */
function fitSearches(searches: string[]): string[] {
  const fitting = searches.slice(0, MAX_SEARCHES).filter((s) => s.length <= MAX_SEARCH_LENGTH);
  while (fitting.length > 0 && fitting.join(' ').length > MAX_SEARCH_CHARS) fitting.pop();
  return fitting;
}

/** appendDNSConfig + the limits: base first, then dnsConfig, without duplicates. */
export function mergeDnsConfig(base: ResolvConf, config: PodDNSConfig): ResolvConf {
  return {
    nameservers: unique([...base.nameservers, ...(config.nameservers ?? [])]).slice(
      0,
      MAX_NAMESERVERS,
    ),
    searches: fitSearches(unique([...base.searches, ...(config.searches ?? [])])),
    options: mergeOptions(base.options, config.options),
  };
}

function isLoopback(server: string): boolean {
  return server.startsWith('127.') || server === '::1';
}

/**
 * The base of the merge, from the text of the engine's or the host's resolv.conf.
 * `resolverIP`: the namespace resolver's address, which stands in for 127.0.0.11 when
 * the plan asks for it (none found: the engine's file as it is).
 */
export function dnsBase(dns: PlannedDns, baseText: string, resolverIP?: string): ResolvConf {
  if (dns.base === 'none') return { nameservers: [], searches: [], options: [] };
  const parsed = parseResolvConf(baseText);
  if (dns.base === 'engine') {
    if (!dns.resolver || !resolverIP) return parsed;
    const others = parsed.nameservers.filter((server) => server !== EMBEDDED_DNS);
    return { ...parsed, nameservers: [resolverIP, ...others] };
  }
  // The host's loopback resolvers (systemd-resolved's 127.0.0.53) are not reachable
  // from the pod's network namespace; as Docker, drop them. If none is left, the
  // engine's embedded server forwards to them from the host's namespace.
  const nameservers = parsed.nameservers.filter((server) => !isLoopback(server));
  return { ...parsed, nameservers: nameservers.length > 0 ? nameservers : [EMBEDDED_DNS] };
}

/** The pod's /etc/resolv.conf. `baseText`: the engine's (base engine) or host's (base host) file. */
export function podResolvConf(dns: PlannedDns, baseText = '', resolverIP?: string): string {
  return formatResolvConf(mergeDnsConfig(dnsBase(dns, baseText, resolverIP), dns.config));
}
