// What the lifecycle decides from: a pod's containers as plain facts (state, exit
// code, times, attempt labels), built from `docker ps` plus inspect of the newest
// instances. Keeping the facts plain keeps decide.ts and podStatus pure.
import type Docker from 'dockerode';
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { Labels } from '../../plan/labels.js';
import type { PodRecord } from '../records.js';
import { CreatorLabels, LifecycleLabels, numberLabel } from './labels.js';

export type InstanceState = 'created' | 'running' | 'exited';

export interface InstanceFacts {
  id: string;
  /** Kubernetes container name. */
  name: string;
  role: 'init' | 'app';
  attempt: number;
  sandboxAttempt: number;
  streak: number;
  state: InstanceState;
  exitCode?: number;
  oomKilled: boolean;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  creator?: Creator;
}

/** The process that created a container (its labels), when recorded. */
export interface Creator {
  pid: number;
  host: string;
}

export interface SandboxFacts {
  id: string;
  attempt: number;
  state: InstanceState;
  createdAt: number;
  creator?: Creator;
}

export interface PodFacts {
  namespace: string;
  name: string;
  spec: PodSpec;
  /** The newest sandbox, if any exists. */
  sandbox?: SandboxFacts;
  /** Highest sandbox attempt seen on any container of the pod. */
  maxSandboxAttempt: number;
  /** Every init/app instance, newest attempt first. */
  instances: InstanceFacts[];
  terminating: boolean;
  /** A re-apply is making the pod's new version (lifecycle/intents.ts): hands off until it has. */
  replacing?: boolean;
  supervised: boolean;
}

export function stateOfInfo(state: string | undefined): InstanceState {
  if (state === 'running' || state === 'paused' || state === 'restarting') return 'running';
  if (state === 'created') return 'created';
  return 'exited';
}

function exitCodeFromStatus(status: string | undefined): number | undefined {
  const match = /Exited \((-?\d+)\)/.exec(status ?? '');
  return match ? Number(match[1]) : undefined;
}

function time(value: string | undefined): number | undefined {
  if (!value || value.startsWith('0001-')) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

export function instanceFacts(
  info: Docker.ContainerInfo,
  inspected?: Docker.ContainerInspectInfo,
): InstanceFacts {
  const labels = info.Labels;
  const state = stateOfInfo(inspected?.State.Status ?? info.State);
  return {
    id: info.Id,
    name: labels[Labels.container] ?? '',
    role: labels[Labels.role] === 'init' ? 'init' : 'app',
    attempt: numberLabel(labels, Labels.attempt),
    sandboxAttempt: numberLabel(labels, LifecycleLabels.sandboxAttempt),
    streak: numberLabel(labels, LifecycleLabels.crashStreak),
    state,
    exitCode:
      state === 'exited'
        ? (inspected?.State.ExitCode ?? exitCodeFromStatus(info.Status))
        : undefined,
    oomKilled: inspected?.State.OOMKilled ?? false,
    createdAt: info.Created * 1000,
    startedAt: time(inspected?.State.StartedAt),
    finishedAt: time(inspected?.State.FinishedAt),
    creator: creatorOf(labels),
  };
}

function creatorOf(labels: Record<string, string>): Creator | undefined {
  const pid = Number(labels[CreatorLabels.pid]);
  return pid ? { pid, host: labels[CreatorLabels.host] ?? '' } : undefined;
}

export function podFacts(record: PodRecord): PodFacts {
  const inspected = record.inspected ?? new Map<string, Docker.ContainerInspectInfo>();
  const instances = record.containers.map((info) => instanceFacts(info, inspected.get(info.Id)));
  const sandboxInfo = record.sandbox;
  const sandbox = sandboxInfo
    ? {
        id: sandboxInfo.Id,
        attempt: numberLabel(sandboxInfo.Labels, Labels.attempt),
        state: stateOfInfo(inspected.get(sandboxInfo.Id)?.State.Status ?? sandboxInfo.State),
        createdAt: sandboxInfo.Created * 1000,
        creator: creatorOf(sandboxInfo.Labels),
      }
    : undefined;
  const maxSandboxAttempt = Math.max(
    sandbox?.attempt ?? 0,
    ...instances.map((instance) => instance.sandboxAttempt),
  );
  return {
    namespace: record.namespace,
    name: record.name,
    spec: record.pod?.spec ?? { containers: [] },
    sandbox,
    maxSandboxAttempt,
    instances,
    terminating: record.terminating ?? false,
    replacing: record.replacing ?? false,
    supervised: record.all.some((info) => Boolean(info.Labels[LifecycleLabels.supervised])),
  };
}

/** Newest instance of a container in the given sandbox generation. */
export function currentInstance(
  facts: PodFacts,
  name: string,
  role: 'init' | 'app',
  sandboxAttempt = facts.sandbox?.attempt ?? facts.maxSandboxAttempt,
): InstanceFacts | undefined {
  return facts.instances.find(
    (i) => i.name === name && i.role === role && i.sandboxAttempt === sandboxAttempt,
  );
}

/** Next attempt number of a container: one past every instance seen, any generation. */
export function nextAttempt(facts: PodFacts, name: string, role: 'init' | 'app'): number {
  const attempts = facts.instances
    .filter((i) => i.name === name && i.role === role)
    .map((i) => i.attempt);
  return attempts.length === 0 ? 0 : Math.max(...attempts) + 1;
}
