// The local side of port-forward: listeners on the chosen addresses and ports, and
// for each accepted connection, its target asked for again (the caller's resolve:
// a pod re-applied between two connections is found under its new sandbox) and
// the connection relayed from inside that pod's network namespace
// (docker/tcp-relay.ts). kubectl's messages: "Handling connection for PORT" on out,
// one "an error occurred forwarding ..." line on err for a connection that fails,
// which never ends the forward.
import net from 'node:net';
import type { Writable } from 'node:stream';
import { pauseHasRelay, type RelayOutcome, relayTcp } from '../docker/tcp-relay.js';
import { PodrunError } from '../errors.js';
import type { ForwardTarget } from './forward-target.js';

export interface ForwardedPort {
  /** The local port; 0 = a free one (the first address picks it, the others take the same). */
  local: number;
  /** The right side of "Forwarding from 127.0.0.1:8080 -> 80". */
  remoteLabel: string;
  /** Where a connection accepted now goes; throws a one-line reason when nowhere. */
  resolve(): Promise<ForwardTarget>;
}

export interface PortForwardOptions {
  /** `localhost` (127.0.0.1 and ::1, either may be missing) or IP addresses. */
  addresses: readonly string[];
  ports: readonly ForwardedPort[];
  out: Writable;
  err: Writable;
}

export interface Listening {
  /** "127.0.0.1:8080", "[::1]:8080". */
  address: string;
  port: number;
  remoteLabel: string;
}

export interface PortForward {
  listening: Listening[];
  /** Stop listening and drop every forwarded connection (their relays end with them). */
  close(): Promise<void>;
}

export class PortForwardError extends PodrunError {
  override name = 'PortForwardError';
}

const hostPort = (host: string, port: number) =>
  net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;

function listenOn(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(error);
    server.once('error', onError);
    server.listen({ host, port, ipv6Only: net.isIPv6(host) }, () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

function listenError(host: string, port: number, error: NodeJS.ErrnoException): string {
  const why =
    error.code === 'EADDRINUSE'
      ? 'address already in use'
      : error.code === 'EACCES'
        ? 'permission denied'
        : error.code === 'EADDRNOTAVAIL'
          ? 'no such local address'
          : error.message;
  return `unable to listen on ${hostPort(host, port)}: ${why}`;
}

/** Without podrun's pause binary in the sandbox (an upstream pause image): the pod IP, from the host. */
function connectDirect(ip: string, port: number, local: net.Socket): Promise<RelayOutcome> {
  return new Promise((resolve) => {
    if (!ip) {
      local.resetAndDestroy();
      resolve({ ok: false, reason: 'the pod has no IP and its pause image cannot relay' });
      return;
    }
    const remote = net.connect({ host: ip, port, allowHalfOpen: true });
    local.pipe(remote);
    remote.pipe(local);
    remote.on('error', (error) => {
      local.resetAndDestroy();
      resolve({
        ok: false,
        reason: `dial tcp ${ip}:${port}: ${error.message} (from the host: the pod's pause image has no relay-tcp)`,
      });
    });
    local.on('error', () => remote.resetAndDestroy());
    remote.on('close', () => resolve({ ok: true }));
  });
}

export async function startPortForward(options: PortForwardOptions): Promise<PortForward> {
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  const listening: Listening[] = [];

  const handle = async (socket: net.Socket, spec: ForwardedPort, port: number) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    options.out.write(`Handling connection for ${port}\n`);
    let remote = spec.remoteLabel;
    try {
      const target = await spec.resolve();
      remote = String(target.port);
      const outcome = (await pauseHasRelay(target.sandboxId))
        ? await relayTcp(target.sandboxId, '127.0.0.1', target.port, socket)
        : await connectDirect(target.podIP, target.port, socket);
      if (!outcome.ok) throw new Error(`pod ${target.pod}: ${outcome.reason}`);
    } catch (error) {
      if (!socket.destroyed) socket.resetAndDestroy();
      options.err.write(
        `an error occurred forwarding ${port} -> ${remote}: ${(error as Error).message}\n`,
      );
    }
  };

  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  };

  try {
    for (const spec of options.ports) {
      let port = spec.local;
      for (const address of options.addresses) {
        const local = address === 'localhost';
        for (const host of local ? ['127.0.0.1', '::1'] : [address]) {
          // pauseOnConnect: no byte is read before the relay is there to take it.
          const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
          try {
            port = await listenOn(server, host, port);
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            // localhost is both loopbacks where they exist: a host without IPv6 has one.
            if (local && host === '::1' && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT'))
              continue;
            throw new PortForwardError(listenError(host, port, error as NodeJS.ErrnoException));
          }
          const bound = port;
          server.on('error', (error) =>
            options.err.write(`${hostPort(host, bound)}: ${error.message}\n`),
          );
          server.on('connection', (socket) => void handle(socket, spec, bound));
          servers.push(server);
          listening.push({
            address: hostPort(host, bound),
            port: bound,
            remoteLabel: spec.remoteLabel,
          });
        }
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { listening, close };
}
