// podrun port-forward pod/NAME|svc/NAME|deploy/NAME [LOCAL:]REMOTE... [--address A,B]:
// kubectl's verb and its lines ("Forwarding from 127.0.0.1:8080 -> 80", "Handling
// connection for 8080"), until Ctrl-C (exit 0, as kubectl). The glue of the three
// kinds of target: it reads pods (src/pod), Services (src/services), Deployments
// (src/workloads) and the supervisor's readiness, which no lower layer may import
// together. Each connection resolves its target again (kubectl resolves it once and
// fails when that pod goes): the object must exist when the verb starts, the pod
// only when a connection comes.
import net from 'node:net';
import { PodrunError } from '../../errors.js';
import { PodNotFoundError } from '../../pod/errors.js';
import {
  type ForwardTarget,
  forwardTargetOf,
  pickReadyPod,
  podPortOf,
} from '../../pod/forward-target.js';
import { type ForwardedPort, startPortForward } from '../../pod/port-forward.js';
import { findPodRecord, listPodRecords, type PodRecord } from '../../pod/records.js';
import { listServiceRecords } from '../../pod/service-records.js';
import { endpointPodOf, endpointsOf } from '../../services/endpoints-sync.js';
import { forwardedServicePort, pickEndpoint } from '../../services/forward-port.js';
import { supervisorNamespaceProbes } from '../../supervisor/client.js';
import { deploymentPods } from '../../workloads/deployment-pods.js';
import { type PortSpec, parsePortSpecs } from '../port-spec.js';

interface PortForwardFlags {
  namespace: string;
  address?: string[];
}

type Kind = 'pod' | 'service' | 'deployment';

const KINDS: Record<string, Kind> = {
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

function parseTarget(arg: string): { kind: Kind; name: string } {
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

function parseAddresses(given: string[] | undefined): string[] {
  const addresses = (given ?? ['localhost']).flatMap((value) => value.split(','));
  for (const address of addresses) {
    if (address !== 'localhost' && net.isIP(address) === 0) {
      throw new PodrunError(`invalid --address "${address}": expected localhost or an IP address`);
    }
  }
  return [...new Set(addresses)];
}

/** One REMOTE of one target: its number now (for the local port and the line) and per connection. */
interface Remote {
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

async function serviceRemote(ns: string, name: string, remote: number | string): Promise<Remote> {
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
      supervisorNamespaceProbes(ns),
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
): Promise<Remote> {
  let previous: string | undefined;
  const pick = async () => {
    const [pods, report] = await Promise.all([
      deploymentPods(ns, name),
      supervisorNamespaceProbes(ns),
    ]);
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

async function remoteOf(ns: string, kind: Kind, name: string, spec: PortSpec): Promise<Remote> {
  if (kind === 'service') return serviceRemote(ns, name, spec.remote);
  if (kind === 'deployment') return deploymentRemote(ns, name, spec.remote);
  const record = await findPodRecord(ns, name);
  if (!record) throw new PodNotFoundError(ns, name);
  return podRemote(ns, name, record, spec.remote);
}

/** kubectl's default local port: the REMOTE number (for a Service, the Service port). */
function localPortOf(spec: PortSpec, remote: Remote): number {
  if (spec.local !== undefined) return spec.local;
  const port = remote.servicePort ?? remote.label;
  if (typeof port === 'number') return port;
  throw new PodrunError(
    `no pod tells the number of port "${spec.remote}" yet: give the local port (LOCAL:${spec.remote})`,
  );
}

export async function runPortForward(
  targetArg: string,
  portArgs: string[],
  flags: PortForwardFlags,
): Promise<void> {
  const { kind, name } = parseTarget(targetArg);
  const specs = parsePortSpecs(portArgs);
  const addresses = parseAddresses(flags.address);
  const ports: ForwardedPort[] = [];
  for (const spec of specs) {
    const remote = await remoteOf(flags.namespace, kind, name, spec);
    ports.push({
      local: localPortOf(spec, remote),
      remoteLabel: String(remote.label),
      resolve: remote.resolve,
    });
  }
  const forward = await startPortForward({
    addresses,
    ports,
    out: process.stdout,
    err: process.stderr,
  });
  for (const listener of forward.listening) {
    process.stdout.write(`Forwarding from ${listener.address} -> ${listener.remoteLabel}\n`);
  }
  // kubectl stops on Ctrl-C and exits 0; SIGTERM ends it as any process (143).
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await forward.close();
}
