// podrun port-forward pod/NAME|svc/NAME|deploy/NAME [LOCAL:]REMOTE... [--address A,B]:
// kubectl's verb and its lines ("Forwarding from 127.0.0.1:8080 -> 80", "Handling
// connection for 8080"), until Ctrl-C (exit 0, as kubectl). Each connection resolves
// its target again (workloads/forward-remotes.ts; kubectl resolves it once and fails
// when that pod goes): the object must exist when the verb starts, the pod only when
// a connection comes. Readiness comes from the background supervisor.
import net from 'node:net';
import { PodrunError } from '../../errors.js';
import { type ForwardedPort, startPortForward } from '../../pod/port-forward.js';
import { supervisorNamespaceProbes } from '../../supervisor/client.js';
import { forwardRemote, parseForwardTarget, type Remote } from '../../workloads/forward-remotes.js';
import { type PortSpec, parsePortSpecs } from '../port-spec.js';

interface PortForwardFlags {
  namespace: string;
  address?: string[];
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
  const { kind, name } = parseForwardTarget(targetArg);
  const specs = parsePortSpecs(portArgs);
  const addresses = parseAddresses(flags.address);
  const ports: ForwardedPort[] = [];
  for (const spec of specs) {
    const remote = await forwardRemote(
      flags.namespace,
      kind,
      name,
      spec.remote,
      supervisorNamespaceProbes,
    );
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
