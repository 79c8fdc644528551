// The supervisor's socket protocol: one JSON request line, one JSON response line.
import { connect } from 'node:net';
import type { StoredEvent } from '../pod/event-types.js';
import type { ProbeReport } from '../pod/probes/report.js';
import { supervisorPaths } from './paths.js';

export type SupervisorRequest =
  | { op: 'status' }
  | { op: 'stop' }
  | { op: 'pods'; namespace?: string; name?: string };

export interface SupervisorStatus {
  pid: number;
  startedAt: string;
  scope: string;
  socket: string;
  log: string;
  engine: 'connected' | 'unreachable';
  pods: number;
  version: string;
  /** process.memoryUsage() of the supervisor (the soak script reads heapUsed). */
  memory?: NodeJS.MemoryUsage;
}

export interface PodReport {
  probes: ProbeReport;
  /** The supervisor as an event writer: its file in the pod's event store. */
  writer?: string;
  /** Its events of the pod, newer than that file by up to a moment. */
  events: StoredEvent[];
}

export interface PodsResponse {
  pods: Record<string, PodReport>;
}

/** Ask the supervisor; undefined when none answers (not running, stale socket). */
export function askSupervisor<T>(
  request: SupervisorRequest,
  options: { socket?: string; timeoutMs?: number } = {},
): Promise<T | undefined> {
  const socket = options.socket ?? supervisorPaths().socket;
  return new Promise((resolve) => {
    const client = connect(socket);
    let data = '';
    const done = (value: T | undefined) => {
      client.destroy();
      resolve(value);
    };
    client.setTimeout(options.timeoutMs ?? 2000, () => done(undefined));
    client.on('error', () => done(undefined));
    client.on('connect', () => client.write(`${JSON.stringify(request)}\n`));
    client.on('data', (chunk) => {
      data += chunk.toString('utf8');
      const end = data.indexOf('\n');
      if (end >= 0) {
        try {
          done(JSON.parse(data.slice(0, end)) as T);
        } catch {
          done(undefined);
        }
      }
    });
    client.on('end', () => done(undefined));
  });
}

/** Probe states and lifecycle events of pods, from the supervisor (empty if none runs). */
export async function supervisorPodReports(
  namespace?: string,
  name?: string,
): Promise<Record<string, PodReport>> {
  const response = await askSupervisor<PodsResponse>(
    { op: 'pods', namespace, name },
    { timeoutMs: 1500 },
  );
  return response?.pods ?? {};
}
