// The supervisor's socket protocol: one JSON request line, one JSON response line.
import { connect } from 'node:net';
import type { StoredEvent } from '../pod/event-types.js';
import type { ProbeReport } from '../pod/probes/report.js';
import { supervisorPaths } from './paths.js';

export type SupervisorRequest =
  | { op: 'status' }
  | { op: 'stop' }
  | { op: 'pods'; namespace?: string; name?: string }
  | WarmCliRequest;

/**
 * The warm path: a CLI process hands a read verb (`get`, `describe`, `logs`) to the
 * supervisor, which runs it with its warm engine client and streams the output back
 * (src/cli/warm-client.ts, src/cli/warm-serve.ts). `build` and `env` must equal the
 * supervisor's own, or it refuses and the CLI does the work itself.
 */
export interface WarmCliRequest {
  op: 'cli';
  /** The arguments after `podrun`. */
  argv: string[];
  /** The CLI's PODRUN_* and DOCKER_* variables (warmEnv). */
  env: Record<string, string>;
  /** The build the CLI runs (buildStamp). */
  build: string;
}

/** The warm path's reply, one JSON line each: a verdict, then output, then the exit code. */
export type WarmCliReply =
  | { warm: 'accepted' }
  | { warm: 'refused'; why: string }
  | { out: string }
  | { outBase64: string }
  | { err: string }
  | { exit: number };

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
  /** CLI verbs it has run for CLI processes (the warm path). */
  warmServed?: number;
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

type LocalAnswer = (request: SupervisorRequest) => Promise<unknown>;
let local: { socket: string; answer: LocalAnswer } | undefined;

/**
 * Inside the supervisor process (a verb it runs for the warm path), questions to its
 * own socket are answered by a call instead of a connection to itself.
 */
export function answerLocally(socket: string, answer: LocalAnswer | undefined): void {
  local = answer ? { socket, answer } : undefined;
}

/** Ask the supervisor; undefined when none answers (not running, stale socket). */
export function askSupervisor<T>(
  request: SupervisorRequest,
  options: { socket?: string; timeoutMs?: number } = {},
): Promise<T | undefined> {
  const socket = options.socket ?? supervisorPaths().socket;
  if (local && local.socket === socket && request.op !== 'cli')
    return local.answer(request).then(
      (value) => value as T,
      () => undefined,
    );
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
