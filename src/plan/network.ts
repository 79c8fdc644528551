// One bridge network per namespace, shared by its pods: pods resolve each other by
// name through Docker's embedded DNS (the sandbox registers aliases).
//
// Its subnet is one the engine itself picked (docker/networks.ts learns it from a
// probe network, so the daemon's default-address-pools and whatever it avoids are
// respected), given back to the engine explicitly: a network with a user-configured
// subnet is the only kind on which a container may ask for a fixed address. The
// lower half is the IPRange the engine allocates pods from; the upper half is
// podrun's, for the Services' proxies (plan/service-address.ts), so a Service's
// ClusterIP is known before anything starts and stays across engine restarts.
import type Docker from 'dockerode';
import { baseLabels, Labels } from './labels.js';
import { namespaceNetworkName } from './names.js';

/** On a namespace network with a configured subnet: the CIDR reserved for Services. */
export const SERVICE_RANGE_LABEL = 'io.podrun.service-range';

export function planNetwork(
  namespace: string,
  version: string,
): { name: string; create: Docker.NetworkCreateOptions } {
  const name = namespaceNetworkName(namespace);
  return {
    name,
    create: {
      Name: name,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: baseLabels('network', version, { [Labels.namespace]: namespace }),
    },
  };
}

/** A namespace network's create options (role network) that name no IPAM of their own. */
export function wantsServiceRange(options: Docker.NetworkCreateOptions): boolean {
  return options.Labels?.[Labels.role] === 'network' && options.IPAM === undefined;
}

export function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

export function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export interface Cidr {
  /** The first address, as a number. */
  base: number;
  prefix: number;
}

export function parseCidr(cidr: string): Cidr | undefined {
  const [ip, bits, extra] = cidr.split('/');
  if (extra !== undefined || !ip || !bits || !/^\d{1,2}$/.test(bits)) return undefined;
  const prefix = Number(bits);
  const address = ipv4ToNumber(ip);
  if (address === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  return { base: address - (address % size), prefix };
}

export function formatCidr({ base, prefix }: Cidr): string {
  return `${numberToIpv4(base)}/${prefix}`;
}

/** The smallest subnet split in two: 8 pod addresses, 7 Service addresses. */
const MAX_PREFIX = 28;

export interface SubnetLayout {
  subnet: string;
  gateway: string;
  /** The engine's dynamic allocation (pods, the resolver): the lower half. */
  ipRange: string;
  /** podrun's: the Services' fixed addresses, the upper half. */
  serviceRange: string;
}

/**
 * Split an engine-picked IPv4 subnet: pods get the lower half (the gateway, the
 * first address, is in it), Services the upper. undefined when the subnet is no
 * IPv4 CIDR or too small to split (the network is then made without a subnet).
 */
export function subnetLayout(subnet: string, gateway?: string): SubnetLayout | undefined {
  const cidr = parseCidr(subnet);
  if (!cidr || cidr.prefix > MAX_PREFIX || cidr.prefix < 1) return undefined;
  const half = 2 ** (32 - cidr.prefix - 1);
  const gw = gateway ? ipv4ToNumber(gateway) : undefined;
  // A gateway the engine put in the upper half would sit among the Services: keep the
  // engine's choice only in the pods' half.
  const gatewayNumber =
    gw !== undefined && gw > cidr.base && gw < cidr.base + half ? gw : cidr.base + 1;
  return {
    subnet: formatCidr(cidr),
    gateway: numberToIpv4(gatewayNumber),
    ipRange: formatCidr({ base: cidr.base, prefix: cidr.prefix + 1 }),
    serviceRange: formatCidr({ base: cidr.base + half, prefix: cidr.prefix + 1 }),
  };
}

/** The create options of a namespace network on the layout's subnet. */
export function withSubnet(
  options: Docker.NetworkCreateOptions,
  layout: SubnetLayout,
): Docker.NetworkCreateOptions {
  return {
    ...options,
    IPAM: {
      Driver: 'default',
      Config: [{ Subnet: layout.subnet, Gateway: layout.gateway, IPRange: layout.ipRange }],
    },
    Labels: { ...options.Labels, [SERVICE_RANGE_LABEL]: layout.serviceRange },
  };
}
