// A pod's status, computed from its containers as kubectl shows it: phase, READY,
// STATUS word and RESTARTS. Pure: the input is what `docker ps -a` returns.
import type Docker from 'dockerode';
import { Labels } from '../plan/labels.js';
import { namespaceNetworkName } from '../plan/names.js';
import type { PodRecord } from './records.js';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface ContainerStatusSummary {
  name: string;
  role: 'init' | 'app';
  state: 'waiting' | 'running' | 'terminated';
  exitCode?: number;
  restarts: number;
  ready: boolean;
  containerId: string;
  image: string;
}

export interface PodStatusSummary {
  phase: PodPhase;
  /** kubectl's STATUS column. */
  status: string;
  ready: number;
  total: number;
  restarts: number;
  podIP: string;
  containers: ContainerStatusSummary[];
}

/** Exit code from `docker ps` Status, e.g. "Exited (137) 2 seconds ago". */
export function exitCodeOf(info: Docker.ContainerInfo): number | undefined {
  const match = /Exited \((-?\d+)\)/.exec(info.Status ?? '');
  return match ? Number(match[1]) : undefined;
}

function stateOf(info: Docker.ContainerInfo): ContainerStatusSummary['state'] {
  if (info.State === 'running' || info.State === 'paused' || info.State === 'restarting')
    return 'running';
  if (info.State === 'exited' || info.State === 'dead') return 'terminated';
  return 'waiting';
}

function summarize(
  record: PodRecord,
  name: string,
  role: 'init' | 'app',
): ContainerStatusSummary | undefined {
  // record.containers is sorted newest attempt first.
  const attempts = record.containers.filter(
    (info) => info.Labels[Labels.container] === name && info.Labels[Labels.role] === role,
  );
  const latest = attempts[0];
  if (!latest) return undefined;
  const state = stateOf(latest);
  return {
    name,
    role,
    state,
    exitCode: state === 'terminated' ? exitCodeOf(latest) : undefined,
    restarts: Number(latest.Labels[Labels.attempt] ?? 0),
    ready: state === 'running',
    containerId: latest.Id,
    image: latest.Image,
  };
}

function podIPOf(record: PodRecord): string {
  const networks = record.sandbox?.NetworkSettings?.Networks ?? {};
  return networks[namespaceNetworkName(record.namespace)]?.IPAddress ?? '';
}

export function podStatus(record: PodRecord): PodStatusSummary {
  const spec = record.pod?.spec;
  const initSpecs = spec?.initContainers ?? [];
  const appSpecs = spec?.containers ?? [];
  const inits = initSpecs.map((c) => summarize(record, c.name, 'init'));
  const apps = appSpecs.map((c) => summarize(record, c.name, 'app'));
  const containers = [...inits, ...apps].filter(
    (c): c is ContainerStatusSummary => c !== undefined,
  );
  const restarts = containers.reduce((sum, c) => sum + c.restarts, 0);
  const appStates = apps.filter((c): c is ContainerStatusSummary => c !== undefined);
  const ready = appStates.filter((c) => c.ready).length;
  const total = appSpecs.length;
  const podIP = podIPOf(record);
  const result = (phase: PodPhase, status: string): PodStatusSummary => ({
    phase,
    status,
    ready,
    total,
    restarts,
    podIP,
    containers,
  });

  if (!record.sandbox || !record.pod) return result('Unknown', 'Unknown');
  const restartPolicy = spec?.restartPolicy ?? 'Always';

  // Init containers run to completion one by one (native sidecars just need to run).
  for (const [index, init] of inits.entries()) {
    const sidecar = initSpecs[index]?.restartPolicy === 'Always';
    if (!init) return result('Pending', `Init:${index}/${initSpecs.length}`);
    if (sidecar && init.state === 'running') continue;
    if (init.state === 'terminated' && init.exitCode === 0 && !sidecar) continue;
    if (init.state === 'terminated') {
      return result(restartPolicy === 'Never' ? 'Failed' : 'Pending', 'Init:Error');
    }
    return result('Pending', `Init:${index}/${initSpecs.length}`);
  }

  if (appStates.length < total) {
    return result('Pending', initSpecs.length > 0 ? 'PodInitializing' : 'ContainerCreating');
  }
  if (record.sandbox.State !== 'running') {
    const allDone = appStates.every((c) => c.state === 'terminated');
    if (!allDone) return result('Unknown', 'SandboxDied');
  }
  const terminated = appStates.filter((c) => c.state === 'terminated');
  const waiting = appStates.filter((c) => c.state === 'waiting');
  if (waiting.length > 0) return result('Pending', 'ContainerCreating');
  if (terminated.length === appStates.length) {
    const failed = terminated.find((c) => c.exitCode !== 0);
    if (failed) return result('Failed', 'Error');
    return result('Succeeded', 'Completed');
  }
  if (terminated.length > 0) {
    const failed = terminated.find((c) => c.exitCode !== 0);
    return result('Running', failed ? 'Error' : 'NotReady');
  }
  return result('Running', 'Running');
}
