// A pod's status, computed from its containers as kubectl shows it: phase, READY,
// STATUS word and RESTARTS. Pure: the input is what `docker ps -a` returns (plus,
// when the record has them, inspect details for times and OOMKilled) and, for
// readiness, what the prober reports. This is the one place computing STATUS words:
// Init:N/M, Init:Error, Init:CrashLoopBackOff, PodInitializing, ContainerCreating,
// Running, NotReady, CrashLoopBackOff, Error, OOMKilled, Completed, Terminating.
import type Docker from 'dockerode';
import type { Container } from 'kubernetes-types/core/v1.js';
import { restartTiming } from './lifecycle/backoff.js';
import { finishedPhase } from './lifecycle/decide.js';
import { currentInstance, type InstanceFacts, type PodFacts, podFacts } from './lifecycle/facts.js';
import { policyOf, shouldRestartApp, shouldRestartInit } from './lifecycle/restart-decision.js';
import type { ProbeReport } from './probes/report.js';
import { type PodRecord, podIPOf } from './records.js';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface TerminatedSummary {
  exitCode: number;
  /** Completed | Error | OOMKilled */
  reason: string;
  startedAt?: string;
  finishedAt?: string;
  containerId: string;
}

export interface ContainerStatusSummary {
  name: string;
  role: 'init' | 'app';
  state: 'waiting' | 'running' | 'terminated';
  /** Waiting: ContainerCreating | PodInitializing | CrashLoopBackOff; terminated: Completed | Error | OOMKilled. */
  reason?: string;
  exitCode?: number;
  restarts: number;
  ready: boolean;
  /** startupProbe passed (or none) and running. */
  started: boolean;
  containerId: string;
  image: string;
  startedAt?: string;
  finishedAt?: string;
  /** The previous instance, when the container was restarted. */
  lastState?: TerminatedSummary;
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

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

export function terminatedReason(instance: InstanceFacts): string {
  if (instance.oomKilled) return 'OOMKilled';
  return instance.exitCode === 0 ? 'Completed' : 'Error';
}

/** True when this exited instance waits out a back-off before its restart. */
function inBackOff(
  facts: PodFacts,
  spec: Container,
  instance: InstanceFacts,
  now: number,
): boolean {
  if (facts.terminating) return false;
  const policy = policyOf(facts.spec.restartPolicy);
  const exitCode = instance.exitCode ?? 1;
  const restarts =
    instance.role === 'app'
      ? shouldRestartApp(policy, exitCode)
      : shouldRestartInit(policy, exitCode, spec.restartPolicy === 'Always');
  if (!restarts) return false;
  if (instance.finishedAt === undefined) return instance.streak >= 1; // no details: labels only
  return (
    restartTiming(
      {
        streak: instance.streak,
        startedAt: instance.startedAt ?? instance.finishedAt,
        finishedAt: instance.finishedAt,
      },
      now,
    ).dueAt > instance.finishedAt
  );
}

function summarize(
  facts: PodFacts,
  record: PodRecord,
  spec: Container,
  role: 'init' | 'app',
  report: ProbeReport | undefined,
  waitingReason: string,
  now: number,
): ContainerStatusSummary | undefined {
  const instance = currentInstance(facts, spec.name, role);
  const all = facts.instances.filter((i) => i.name === spec.name && i.role === role);
  const latest = instance ?? all[0];
  if (!latest) return undefined;
  const info = record.containers.find((c) => c.Id === latest.id);
  const previous = all.find((i) => i.attempt < latest.attempt && i.state === 'exited');
  const lastState = previous
    ? {
        exitCode: previous.exitCode ?? -1,
        reason: terminatedReason(previous),
        startedAt: iso(previous.startedAt),
        finishedAt: iso(previous.finishedAt),
        containerId: previous.id,
      }
    : undefined;
  const base = {
    name: spec.name,
    role,
    restarts: latest.attempt,
    containerId: latest.id,
    image: info?.Image ?? spec.image ?? '',
    startedAt: iso(latest.startedAt),
    lastState,
  };
  const stale = instance === undefined; // only instances of an older sandbox remain
  if (latest.state === 'running' && !stale) {
    // Nobody probes an unsupervised pod (library default): running counts as ready.
    const probe = report?.[latest.id];
    const probed = facts.supervised;
    const started = probe?.started ?? (!probed || !spec.startupProbe);
    const ready = started && (probe?.ready ?? (!probed || !spec.readinessProbe));
    return { ...base, state: 'running', ready, started };
  }
  if (latest.state === 'exited' && !stale) {
    if (inBackOff(facts, spec, latest, now)) {
      return {
        ...base,
        state: 'waiting',
        reason: 'CrashLoopBackOff',
        ready: false,
        started: false,
        lastState: {
          exitCode: latest.exitCode ?? -1,
          reason: terminatedReason(latest),
          startedAt: iso(latest.startedAt),
          finishedAt: iso(latest.finishedAt),
          containerId: latest.id,
        },
      };
    }
    return {
      ...base,
      state: 'terminated',
      reason: terminatedReason(latest),
      exitCode: latest.exitCode,
      finishedAt: iso(latest.finishedAt),
      ready: false,
      started: false,
    };
  }
  return { ...base, state: 'waiting', reason: waitingReason, ready: false, started: false };
}

/**
 * The status of a pod. `report` is the prober's view (from the supervisor): without
 * it, a running container is ready unless it has a readiness or startup probe.
 */
export function podStatus(
  record: PodRecord,
  report?: ProbeReport,
  now = Date.now(),
): PodStatusSummary {
  const facts = podFacts(record);
  const spec = facts.spec;
  const initSpecs = spec.initContainers ?? [];
  const appSpecs = spec.containers ?? [];
  const initsPending = initSpecs.some((c) => {
    const i = currentInstance(facts, c.name, 'init');
    if (c.restartPolicy === 'Always') return i?.state !== 'running';
    return !(i?.state === 'exited' && i.exitCode === 0);
  });
  const appWaiting = initsPending ? 'PodInitializing' : 'ContainerCreating';
  const inits = initSpecs.map((c) =>
    summarize(facts, record, c, 'init', report, 'PodInitializing', now),
  );
  const apps = appSpecs.map((c) => summarize(facts, record, c, 'app', report, appWaiting, now));
  const containers = [...inits, ...apps].filter(
    (c): c is ContainerStatusSummary => c !== undefined,
  );
  const restarts = containers.reduce((sum, c) => sum + c.restarts, 0);
  const appStates = apps.filter((c): c is ContainerStatusSummary => c !== undefined);
  const ready = appStates.filter((c) => c.ready).length;
  const total = appSpecs.length;
  const podIP = record.sandbox?.State === 'running' ? podIPOf(record) : '';
  const result = (phase: PodPhase, status: string): PodStatusSummary => ({
    phase,
    status: record.terminating ? 'Terminating' : status,
    ready,
    total,
    restarts,
    podIP,
    containers,
  });

  if (!record.pod) return result('Unknown', 'Unknown');
  const finished = finishedPhase(facts);

  // Init containers, as kubectl prints them: the first one not done decides.
  for (const [index, init] of inits.entries()) {
    const initSpec = initSpecs[index]!;
    const sidecar = initSpec.restartPolicy === 'Always';
    const phase = finished ?? 'Pending';
    if (!init) return result(phase, `Init:${index}/${initSpecs.length}`);
    if (sidecar && (init.state === 'running' || apps.some((a) => a !== undefined))) continue;
    if (!sidecar && init.state === 'terminated' && init.exitCode === 0) continue;
    if (init.state === 'waiting' && init.reason === 'CrashLoopBackOff') {
      return result(phase, 'Init:CrashLoopBackOff');
    }
    if (init.state === 'terminated') {
      return result(phase, init.reason === 'OOMKilled' ? 'Init:OOMKilled' : 'Init:Error');
    }
    return result(phase, `Init:${index}/${initSpecs.length}`);
  }

  if (finished) {
    const failed = appStates.find((c) => c.state === 'terminated' && c.exitCode !== 0);
    return result(finished, failed ? (failed.reason ?? 'Error') : 'Completed');
  }
  if (
    appStates.length < total ||
    appStates.every((c) => c.state === 'waiting' && c.reason !== 'CrashLoopBackOff')
  ) {
    return result('Pending', appWaiting);
  }
  if (record.sandbox?.State !== 'running') return result('Pending', 'ContainerCreating');

  // kubectl: the last container with a waiting or terminated reason names the status.
  let reason = 'Running';
  let hasRunning = false;
  for (const c of [...appStates].reverse()) {
    if (c.state === 'waiting' && c.reason) {
      reason = c.reason;
      break;
    }
    if (c.state === 'terminated' && c.reason) {
      reason = c.reason;
      break;
    }
    if (c.state === 'running') hasRunning = true;
  }
  if (reason === 'Completed' && hasRunning) reason = ready === total ? 'Running' : 'NotReady';
  return result('Running', reason);
}
