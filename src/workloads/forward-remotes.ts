// Where a port-forward's connections go, asked again for each connection: a pod by
// name, a Service's Ready endpoint (round robin past the last one used) or a
// Deployment's Ready pod. Shared by the CLI verb and the library's environments.
// It sits with the workloads because it reads pods, Services and Deployments
// together, which no lower layer may.
import { PodrunError } from '../errors.js';
import { PodNotFoundError } from '../pod/errors.js';
import {
  type ForwardTarget,
  forwardTargetOf,
  pickReadyPod,
  podPortOf,
} from '../pod/forward-target.js';
import type { ProbeReport } from '../pod/probes/report.js';
import { findPodRecord, listPodRecords, type PodRecord } from '../pod/records.js';
import { listServiceRecords } from '../pod/service-records.js';
import { endpointPodOf, endpointsOf } from '../services/endpoints-sync.js';
import { forwardedServicePort, pickEndpoint } from '../services/forward-port.js';
import { deploymentPods } from './deployment-pods.js';

/** Readiness of a namespace's pods (the supervisor's probes). */
export type NamespaceProbes = (namespace: string) => Promise<ProbeReport>;

export type ForwardKind = 'pod' | 'service' | 'deployment';

const KINDS: Record<string, ForwardKind> = {
  pod: 'pod',
  pods: 'pod',
  po: 'pod',
  svc: 'service',
  service: 'service',
  services: 'service',
  deploy: 'deployment',
  deployment: 'deployment',
  deployments: 'deployment',
  'deployment.apps': 'deployment',
};

/** `pod/x` (or `x`), `svc/x`, `deploy/x`. */
export function parseForwardTarget(arg: string): { kind: ForwardKind; name: string } {
  const slash = arg.indexOf('/');
  if (slash < 0) return { kind: 'pod', name: arg };
  const kind = KINDS[arg.slice(0, slash).toLowerCase()];
  const name = arg.slice(slash + 1);
  if (!kind || !name) {
    throw new PodrunError(
      `port-forward takes pod/NAME (or NAME), svc/NAME or deploy/NAME, not "${arg}"`,
    );
  }
  return { kind, name };
}

/** One REMOTE of one target: its number now (for the local port and the line) and per connection. */
export interface Remote {
  /** The remote port as resolved when the verb starts; a name when no pod tells it yet. */
  label: number | string;
  /** The Service port number, for svc/NAME: kubectl's default local port. */
  servicePort?: number;
  resolve(): Promise<ForwardTarget>;
}

function podRemote(ns: string, name: string, record: PodRecord, remote: number | string): Remote {
  return {
    label: podPortOf(record.pod, remote),
    async resolve() {
      const current = await findPodRecord(ns, name);
      if (!current) throw new PodNotFoundError(ns, name);
      return forwardTargetOf(current, podPortOf(current.pod, remote));
    },
  };
}

async function serviceRemote(
  ns: string,
  name: string,
  remote: number | string,
  probes: NamespaceProbes,
): Promise<Remote> {
  const find = async () => {
    const [record] = await listServiceRecords({ namespace: ns, name });
    if (!record) throw new PodrunError(`services "${name}" not found in namespace ${ns}`);
    return record;
  };
  let previous: string | undefined;
  const pick = async () => {
    const [record, pods, report] = await Promise.all([
      find(),
      listPodRecords({ namespace: ns }),
      probes(ns),
    ]);
    const port = forwardedServicePort(record.service, remote);
    const endpoints = endpointsOf(
      record,
      pods.map((pod) => endpointPodOf(pod, report)),
    );
    const target = pickEndpoint(endpoints, port.port, previous);
    return { port, target, pod: pods.find((pod) => pod.name === target?.pod) };
  };
  const first = await pick();
  return {
    label: first.target?.port ?? first.port.targetPort ?? first.port.port,
    servicePort: first.port.port,
    async resolve() {
      const { port, target, pod } = await pick();
      if (!target || !pod)
        throw new Error(`service ${name} has no Ready endpoint for port ${port.port}`);
      previous = target.pod;
      return forwardTargetOf(pod, target.port);
    },
  };
}

async function deploymentRemote(
  ns: string,
  name: string,
  remote: number | string,
  probes: NamespaceProbes,
): Promise<Remote> {
  let previous: string | undefined;
  const pick = async () => {
    const [pods, report] = await Promise.all([deploymentPods(ns, name), probes(ns)]);
    if (!pods) throw new PodrunError(`deployments.apps "${name}" not found in namespace ${ns}`);
    return pickReadyPod(pods, report, previous);
  };
  const first = await pick();
  return {
    label: first ? podPortOf(first.pod, remote) : remote,
    async resolve() {
      const pod = await pick();
      if (!pod) throw new Error(`deployment ${name} has no Ready pod`);
      previous = pod.name;
      return forwardTargetOf(pod, podPortOf(pod.pod, remote));
    },
  };
}

/** The target of one REMOTE port; throws when the object does not exist now. */
export async function forwardRemote(
  ns: string,
  kind: ForwardKind,
  name: string,
  remote: number | string,
  probes: NamespaceProbes,
): Promise<Remote> {
  if (kind === 'service') return serviceRemote(ns, name, remote, probes);
  if (kind === 'deployment') return deploymentRemote(ns, name, remote, probes);
  const record = await findPodRecord(ns, name);
  if (!record) throw new PodNotFoundError(ns, name);
  return podRemote(ns, name, record, remote);
}
