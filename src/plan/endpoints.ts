// A Service's endpoints, as the endpoints controller computes them: the pods of the
// Service's namespace that its selector matches, split into ready and not-ready
// addresses, with each Service port's targetPort resolved per pod. Pure: the caller
// reads the pods (labels, IP, readiness) from the engine.

/** What the endpoints controller needs to know of one pod. */
export interface EndpointPod {
  name: string;
  namespace: string;
  labels: Readonly<Record<string, string>>;
  /** undefined until the sandbox has an address: such a pod is no endpoint at all. */
  ip: string | undefined;
  /** The pod's Ready condition. */
  ready: boolean;
  /** Being deleted, or ended (Succeeded/Failed): never an endpoint. */
  terminating?: boolean;
  /** The ports of the containers that serve (app containers and native sidecars). */
  ports: ReadonlyArray<{ name?: string; containerPort: number; protocol?: string }>;
}

/** The parts of a Service (or its plan) that decide its endpoints. */
export interface EndpointService {
  namespace: string;
  /** undefined or empty: no automatic endpoints (see serviceEndpoints). */
  selector: Readonly<Record<string, string>> | undefined;
  ports: ReadonlyArray<{
    name: string;
    port: number;
    protocol: string;
    targetPort: number | string;
  }>;
  publishNotReadyAddresses?: boolean;
}

export interface EndpointAddress {
  ip: string;
  /** The pod behind the address (targetRef). */
  pod: string;
}

export interface EndpointTarget extends EndpointAddress {
  /** The port on the pod: targetPort, resolved for a named one. */
  port: number;
}

export interface PortEndpoints {
  /** The Service port's name ('' for an unnamed single port), its number and protocol. */
  name: string;
  servicePort: number;
  protocol: string;
  /** Where the proxy may send a new connection. */
  ready: EndpointTarget[];
  /** Matching pods that are not Ready: shown by `get endpoints`/describe, sent nothing. */
  notReady: EndpointTarget[];
}

export interface ServiceEndpoints {
  /** One entry per Service port, in the Service's order. */
  ports: PortEndpoints[];
  /** Every matching pod with an IP: what a headless Service's names resolve to (ready ones). */
  ready: EndpointAddress[];
  notReady: EndpointAddress[];
}

/** Whether a Service gets endpoints from its selector at all. */
export function selectsPods(service: EndpointService): boolean {
  // A Service without a selector has manually managed endpoints. An empty selector
  // is the same: the API stores {} and "unset" alike (kubernetes#25836), so on a
  // cluster `selector: {}` gives `<none>` endpoints too, never every pod.
  return service.selector !== undefined && Object.keys(service.selector).length > 0;
}

function matches(
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
) {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** IPs sorted as the API server repacks endpoint subsets (by IP, then pod name). */
function byAddress(a: EndpointAddress, b: EndpointAddress): number {
  return a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0;
}

/**
 * The port a pod serves a Service port on: a number as written, a name looked up in
 * the pod's container ports with the same protocol (undefined when the pod has no
 * such port: it is then no endpoint for this Service port, as on a cluster).
 */
export function resolveTargetPort(
  targetPort: number | string,
  protocol: string,
  pod: Pick<EndpointPod, 'ports'>,
): number | undefined {
  if (typeof targetPort === 'number') return targetPort;
  const found = pod.ports.find(
    (port) => port.name === targetPort && (port.protocol ?? 'TCP') === protocol,
  );
  return found?.containerPort;
}

export function serviceEndpoints(
  service: EndpointService,
  pods: readonly EndpointPod[],
): ServiceEndpoints {
  const result: ServiceEndpoints = {
    ports: service.ports.map((port) => ({
      name: port.name,
      servicePort: port.port,
      protocol: port.protocol,
      ready: [],
      notReady: [],
    })),
    ready: [],
    notReady: [],
  };
  if (!selectsPods(service)) return result;
  const selector = service.selector as Readonly<Record<string, string>>;
  for (const pod of pods) {
    if (pod.namespace !== service.namespace || !matches(selector, pod.labels)) continue;
    if (pod.ip === undefined || pod.ip === '' || pod.terminating) continue;
    const ready = pod.ready || service.publishNotReadyAddresses === true;
    (ready ? result.ready : result.notReady).push({ ip: pod.ip, pod: pod.name });
    service.ports.forEach((port, i) => {
      const target = resolveTargetPort(port.targetPort, port.protocol, pod);
      if (target === undefined) return;
      const entry = result.ports[i]!;
      (ready ? entry.ready : entry.notReady).push({
        ip: pod.ip as string,
        pod: pod.name,
        port: target,
      });
    });
  }
  result.ready.sort(byAddress);
  result.notReady.sort(byAddress);
  for (const entry of result.ports) {
    entry.ready.sort(byAddress);
    entry.notReady.sort(byAddress);
  }
  return result;
}
