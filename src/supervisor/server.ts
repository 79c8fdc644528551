// The supervisor's unix socket: it is the lock (one supervisor per engine and
// scope: whoever listens owns it; a stale socket file is taken over) and the way
// other podrun processes read readiness and lifecycle events.
import { existsSync, statSync, unlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { PodrunError } from '../errors.js';
import { listPodRecords } from '../pod/records.js';
import { PODRUN_VERSION } from '../version.js';
import {
  answerLocally,
  askSupervisor,
  type SupervisorRequest,
  type SupervisorStatus,
  type WarmCliReply,
  type WarmCliRequest,
} from './protocol.js';
import type { Supervisor } from './supervisor.js';

export class SupervisorRunningError extends PodrunError {
  override name = 'SupervisorRunningError';
}

export interface ServedSupervisor {
  server: Server;
  /** False once another process took the socket path over (then we should exit). */
  stillOwner(): boolean;
  close(): Promise<void>;
}

/** Runs a CLI verb for a CLI process (the warm path); the daemon entry plugs it in. */
export type WarmCliHandler = (
  request: WarmCliRequest,
  send: (reply: WarmCliReply) => void,
) => Promise<void>;

export async function serveSupervisor(
  supervisor: Supervisor,
  paths: { socket: string; log: string },
  onStop: () => void,
  warmCli?: WarmCliHandler,
): Promise<ServedSupervisor> {
  if (existsSync(paths.socket)) {
    const answer = await askSupervisor<SupervisorStatus>(
      { op: 'status' },
      { socket: paths.socket, timeoutMs: 1000 },
    );
    if (answer) throw new SupervisorRunningError(`a supervisor already runs (pid ${answer.pid})`);
    unlinkSync(paths.socket);
  }
  let warmServed = 0;
  const server = createServer((connection) => {
    let data = '';
    connection.on('error', () => undefined);
    connection.on('data', (chunk) => {
      data += chunk.toString('utf8');
      const end = data.indexOf('\n');
      if (end < 0) return;
      connection.removeAllListeners('data');
      let request: SupervisorRequest;
      try {
        request = JSON.parse(data.slice(0, end)) as SupervisorRequest;
      } catch {
        connection.end(`${JSON.stringify({ error: 'not a JSON request line' })}\n`);
        return;
      }
      if (request.op === 'cli') {
        const send = (reply: WarmCliReply) => {
          if ('warm' in reply && reply.warm === 'accepted') warmServed += 1;
          if (!connection.destroyed) connection.write(`${JSON.stringify(reply)}\n`);
        };
        const run = warmCli
          ? warmCli(request, send)
          : Promise.resolve(send({ warm: 'refused', why: 'no warm path here' }));
        void run
          .catch((error: Error) => send({ err: `error: ${error.message}\n` }))
          .finally(() => connection.end());
        return;
      }
      void answer(request).then(
        (response) => connection.end(`${JSON.stringify(response)}\n`),
        (error: Error) => connection.end(`${JSON.stringify({ error: error.message })}\n`),
      );
    });
  });
  const answer = async (request: SupervisorRequest): Promise<unknown> => {
    if (request.op === 'status') {
      const status: SupervisorStatus = {
        pid: process.pid,
        startedAt: supervisor.startedAt.toISOString(),
        scope: supervisor.options.scope,
        socket: paths.socket,
        log: paths.log,
        engine: supervisor.engineReachable ? 'connected' : 'unreachable',
        pods: supervisor.podCount,
        version: PODRUN_VERSION,
        memory: process.memoryUsage(),
        warmServed,
      };
      return status;
    }
    if (request.op === 'stop') {
      setImmediate(onStop);
      return { stopping: true, pid: process.pid };
    }
    if (request.op !== 'pods') throw new Error(`unknown request ${request.op}`);
    const records = await listPodRecords({ namespace: request.namespace, name: request.name });
    return {
      pods: supervisor.podReports(
        records.map((r) => ({
          namespace: r.namespace,
          name: r.name,
          ids: r.containers.map((c) => c.Id),
        })),
      ),
    };
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(paths.socket, () => resolve());
  });
  answerLocally(paths.socket, answer);
  const inode = statSync(paths.socket).ino;
  return {
    server,
    stillOwner: () => {
      try {
        return statSync(paths.socket).ino === inode;
      } catch {
        return false;
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        answerLocally(paths.socket, undefined);
        server.close(() => resolve());
        try {
          if (statSync(paths.socket).ino === inode) unlinkSync(paths.socket);
        } catch {
          // already gone
        }
      }),
  };
}
