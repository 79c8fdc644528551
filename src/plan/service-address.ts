// A Service's ClusterIP on a namespace network with a Service range (plan/network.ts):
// chosen by podrun, not the engine, so it is known before the proxy starts (pods are
// planned with it meanwhile) and, passed as the proxy's fixed address, the same after
// an engine restart. Deterministic where it can be: the address the Service's name
// hashes to, else the next free one after it. Pure: the caller says which addresses
// are taken; the engine's refusal of a second container on one address is the last
// word (create-service.ts).
import { createHash } from 'node:crypto';
import { numberToIpv4, parseCidr } from './network.js';

/** On a Service's proxy container: the ClusterIP podrun gave it (fixed on the network). */
export const CLUSTER_IP_LABEL = 'io.podrun.cluster-ip';

/** The usable addresses of a Service range: all but its last (the subnet's broadcast). */
function usable(range: string): { first: number; count: number } | undefined {
  const cidr = parseCidr(range);
  if (!cidr || cidr.prefix > 30) return undefined;
  return { first: cidr.base, count: 2 ** (32 - cidr.prefix) - 1 };
}

/** Whether `ip` lies in the Service range (a kept address must). */
export function inServiceRange(range: string, ip: string): boolean {
  const span = usable(range);
  const cidr = parseCidr(`${ip}/32`);
  if (!span || !cidr) return false;
  return cidr.base >= span.first && cidr.base < span.first + span.count;
}

/**
 * The Service's address: where `namespace/name` hashes to in the range, or the first
 * free one after it (wrapping). undefined when every address is taken.
 */
export function pickClusterIP(
  range: string,
  namespace: string,
  name: string,
  taken: ReadonlySet<string>,
): string | undefined {
  const span = usable(range);
  if (!span) return undefined;
  const digest = createHash('sha256').update(`${namespace}/${name}`).digest();
  const start = digest.readUInt32BE(0) % span.count;
  for (let i = 0; i < span.count; i++) {
    const ip = numberToIpv4(span.first + ((start + i) % span.count));
    if (!taken.has(ip)) return ip;
  }
  return undefined;
}
