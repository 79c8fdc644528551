// A Service's plan: everything podrun will make for it, before any engine call. The
// Service is served by one proxy container on its namespace network (design §7): the
// container's address is the ClusterIP, its network aliases are the Service's DNS
// names, and its published ports serve NodePort and LoadBalancer from the host. Pure:
// node ports come from an injected random source, the ports in use from the caller.

import { createHash } from 'node:crypto';
import type { Service } from 'kubernetes-types/core/v1.js';
import { Issues } from './errors.js';
import { canonicalJson } from './hash.js';
import { baseLabels, Labels } from './labels.js';
import { namespaceNetworkName, serviceDockerName } from './names.js';

/** The API server's default --service-node-port-range. */
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';
export type ServiceProtocol = 'TCP' | 'UDP';

export interface PlannedServicePort {
  /** '' when the Service's only port is unnamed. */
  name: string;
  port: number;
  protocol: ServiceProtocol;
  /** A number, or a container port name resolved per pod (plan/endpoints.ts). */
  targetPort: number | string;
  /** Set for NodePort and LoadBalancer (unless allocateLoadBalancerNodePorts is false). */
  nodePort?: number;
}

/** A host port the proxy container publishes; hostPort 0 lets the engine choose one. */
export interface PlannedServiceBinding {
  hostIP: '127.0.0.1';
  hostPort: number;
  /** The proxy listens on the Service port. */
  containerPort: number;
  protocol: ServiceProtocol;
  /** What the binding serves, for `get svc` and messages. */
  serves: 'loadBalancer' | 'nodePort' | 'clusterIP';
}

export interface ServicePlan {
  name: string;
  namespace: string;
  type: ServiceType;
  /** clusterIP: None. No proxy: its names resolve to the ready pods' IPs. */
  headless: boolean;
  /** `svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`. */
  aliases: string[];
  ports: PlannedServicePort[];
  bindings: PlannedServiceBinding[];
  /** undefined: no selector, so no automatic endpoints. */
  selector: Record<string, string> | undefined;
  publishNotReadyAddresses: boolean;
  /** The proxy container's name and the network it joins. */
  dockerName: string;
  network: string;
  labels: Record<string, string>;
  /** The Service as applied, with the node ports assigned: what `get svc -o yaml` shows. */
  manifest: Service;
}

export interface ServicePlanInput {
  /** Validated and normalized by the manifest stage. */
  service: Service;
  version: string;
  /** Node ports other Services hold now (any protocol, as the API server's allocator counts). */
  nodePortsInUse: ReadonlySet<number>;
  /** A number in [0, 1), as Math.random: where the search for a free node port starts. */
  random: () => number;
  /**
   * Publish on engine-chosen host ports instead of the LoadBalancer port and the node
   * port (the library does this, so parallel tests never collide).
   */
  randomHostPorts?: boolean;
  /**
   * Also publish the ports of a ClusterIP Service (one with a proxy) on the host, at
   * the Service port or, with randomHostPorts, an engine-chosen one: a library test
   * environment reaches every Service of its bundle from the test, as kubectl
   * port-forward would, without changing the Service's type.
   */
  publishClusterIP?: boolean;
  /**
   * The Service as stored before this apply (its `manifest`), if any: a port that
   * names no nodePort keeps the one it had, as the API server keeps it on update.
   */
  previous?: Service;
  /**
   * Host ports other Services publish now, `${port}/${protocol}` → who holds it (e.g.
   * `Service "shop/web"`): two LoadBalancers on one port cannot both have 127.0.0.1.
   */
  hostPortsInUse?: ReadonlyMap<string, string>;
}

/** The DNS names a Service answers to on its namespace network, shortest first. */
export function serviceAliases(name: string, namespace: string): string[] {
  return [
    name,
    `${name}.${namespace}`,
    `${name}.${namespace}.svc`,
    `${name}.${namespace}.svc.cluster.local`,
  ];
}

/**
 * A free node port, as the API server's allocator picks one: start at a random offset
 * in the range and take the first port not in use, wrapping around. undefined when the
 * range is full.
 */
export function allocateNodePort(
  inUse: ReadonlySet<number>,
  random: () => number,
): number | undefined {
  const size = NODE_PORT_MAX - NODE_PORT_MIN + 1;
  const start = Math.min(size - 1, Math.max(0, Math.floor(random() * size)));
  for (let i = 0; i < size; i++) {
    const port = NODE_PORT_MIN + ((start + i) % size);
    if (!inUse.has(port)) return port;
  }
  return undefined;
}

/** Throws PlanError (paths relative to the Service) when a node port cannot be had. */
export function planService(input: ServicePlanInput): ServicePlan {
  const { service, version } = input;
  const issues = new Issues();
  const name = service.metadata?.name ?? '';
  const namespace = service.metadata?.namespace ?? 'default';
  const spec = service.spec ?? {};
  const type = (spec.type ?? 'ClusterIP') as ServiceType;
  const headless = spec.clusterIP === 'None';
  const wantsNodePorts =
    type === 'NodePort' ||
    (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);

  // Explicit node ports first, so an assigned one never takes a port written later.
  // This Service's own previous node ports are not "in use" by another Service.
  const kept = new Map<string, number>();
  for (const port of input.previous?.spec?.ports ?? []) {
    if (port.nodePort) kept.set(`${port.port}/${port.protocol ?? 'TCP'}`, port.nodePort);
  }
  const inUse = new Set(input.nodePortsInUse);
  for (const nodePort of kept.values()) inUse.delete(nodePort);
  const taken = new Set(inUse);
  const wanted = (spec.ports ?? []).map((port) =>
    wantsNodePorts
      ? port.nodePort || kept.get(`${port.port}/${port.protocol ?? 'TCP'}`)
      : undefined,
  );
  wanted.forEach((nodePort, i) => {
    if (nodePort === undefined) return;
    if (taken.has(nodePort)) {
      issues.error(
        ['spec', 'ports', i, 'nodePort'],
        `Invalid value: ${nodePort}: provided port is already allocated`,
      );
    }
    inUse.add(nodePort);
  });

  const ports: PlannedServicePort[] = (spec.ports ?? []).map((port, i) => {
    const planned: PlannedServicePort = {
      name: port.name ?? '',
      port: port.port,
      protocol: (port.protocol ?? 'TCP') as ServiceProtocol,
      targetPort: port.targetPort ?? port.port,
    };
    if (wantsNodePorts) {
      let nodePort = wanted[i];
      if (nodePort === undefined) {
        nodePort = allocateNodePort(inUse, input.random);
        if (nodePort === undefined) {
          issues.error(
            ['spec', 'ports', i, 'nodePort'],
            `no node port free in ${NODE_PORT_MIN}-${NODE_PORT_MAX}`,
          );
        } else {
          inUse.add(nodePort);
        }
      }
      if (nodePort !== undefined) planned.nodePort = nodePort;
    }
    return planned;
  });
  issues.throwIfAny();

  const bindings: PlannedServiceBinding[] = [];
  for (const port of ports) {
    const bind = (hostPort: number, serves: PlannedServiceBinding['serves']) =>
      bindings.push({
        hostIP: '127.0.0.1',
        hostPort: input.randomHostPorts ? 0 : hostPort,
        containerPort: port.port,
        protocol: port.protocol,
        serves,
      });
    if (type === 'LoadBalancer') bind(port.port, 'loadBalancer');
    if (port.nodePort !== undefined) bind(port.nodePort, 'nodePort');
    if (type === 'ClusterIP' && input.publishClusterIP && !headless) bind(port.port, 'clusterIP');
  }

  if (!input.randomHostPorts) {
    bindings.forEach((binding) => {
      const holder = input.hostPortsInUse?.get(`${binding.hostPort}/${binding.protocol}`);
      if (holder === undefined) return;
      const i = ports.findIndex(
        (port) => port.port === binding.containerPort && port.protocol === binding.protocol,
      );
      issues.error(
        ['spec', 'ports', i, binding.serves === 'nodePort' ? 'nodePort' : 'port'],
        `127.0.0.1:${binding.hostPort}/${binding.protocol} is already published by ${holder}`,
      );
    });
    issues.throwIfAny();
  }

  const manifest: Service = structuredClone(service);
  (manifest.spec?.ports ?? []).forEach((port, i) => {
    const nodePort = ports[i]?.nodePort;
    if (nodePort !== undefined) port.nodePort = nodePort;
  });
  const manifestJson = canonicalJson(manifest);
  // Of the Service as written: re-applying an unchanged file finds the same hash.
  const specHash = createHash('sha256').update(canonicalJson(service)).digest('hex').slice(0, 16);

  return {
    name,
    namespace,
    type,
    headless,
    aliases: serviceAliases(name, namespace),
    ports,
    bindings,
    selector: spec.selector,
    publishNotReadyAddresses: spec.publishNotReadyAddresses === true,
    dockerName: serviceDockerName(namespace, name),
    network: namespaceNetworkName(namespace),
    labels: baseLabels('service', version, {
      [Labels.namespace]: namespace,
      [Labels.service]: name,
      [Labels.specHash]: specHash,
      [Labels.serviceManifest]: manifestJson,
    }),
    manifest,
  };
}
