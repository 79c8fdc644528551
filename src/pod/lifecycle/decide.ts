// The kubelet's pod worker as a pure function: given where a pod's containers stand
// (facts.ts) and the clock, what to do next. Level-triggered: calling it again after
// doing nothing gives the same answer, so a foreground `apply`, `podrun up` and the
// background supervisor can all run it on the same pod; the deterministic container
// names (…_<container>_<attempt>) make Docker refuse a second create of the same
// step (409), which is the only lock needed.
import type { Container, PodSpec } from 'kubernetes-types/core/v1.js';
import type { Verdict } from '../probes/results.js';
import { type BackoffSettings, KUBELET_BACKOFF, restartTiming } from './backoff.js';
import {
  type Creator,
  currentInstance,
  type InstanceFacts,
  nextAttempt,
  type PodFacts,
} from './facts.js';
import { policyOf, shouldRestartApp, shouldRestartInit } from './restart-decision.js';

/** A created container nobody started within this time is started by whoever sees it. */
export const STALE_CREATED_MS = 30_000;

export type LifecycleAction =
  /** Kill a running instance (liveness/startup probe or postStart failed); the policy decides next. */
  | {
      kind: 'kill';
      instance: InstanceFacts;
      reason: 'Unhealthy' | 'FailedPostStartHook';
      message: string;
    }
  | { kind: 'rebuild-sandbox'; attempt: number; reason: string }
  | {
      kind: 'start';
      container: Container;
      role: 'init' | 'app';
      attempt: number;
      streak: number;
      sandboxAttempt: number;
      /** The instance this one replaces (a restart), if any. */
      replaces?: InstanceFacts;
    }
  | { kind: 'start-created'; instance: InstanceFacts }
  | { kind: 'stop-sidecars'; instances: InstanceFacts[] };

export interface BackOffNote {
  container: string;
  role: 'init' | 'app';
  until: number;
}

export interface Decision {
  actions: LifecycleAction[];
  /** Earliest time something is due (a back-off ends); undefined = wait for an event. */
  wakeAt?: number;
  backingOff: BackOffNote[];
  /** The pod reached Succeeded or Failed: nothing will ever be restarted. */
  finished?: 'Succeeded' | 'Failed';
}

export interface DecideOptions {
  now: number;
  backoff?: BackoffSettings;
  /**
   * The results cache's verdict on a running instance (probes/results.ts): whether
   * it has started (startupProbe passed; unknown = a container without a
   * startupProbe counts as started) and whether a kill is due.
   */
  verdicts?: (instance: InstanceFacts) => Verdict | undefined;
  /**
   * Whether the process that created a container is gone (killed between the
   * container's create and its start): then nobody else will start it, and waiting
   * STALE_CREATED_MS for it is pointless. Unknown creators count as alive.
   */
  creatorGone?: (creator: Creator) => boolean;
}

function isSidecar(container: Container): boolean {
  return container.restartPolicy === 'Always';
}

/**
 * How long a postStart hook may run. The kubelet does not tie postStart to
 * terminationGracePeriodSeconds (that bounds stopping); podrun bounds a hung hook by
 * the grace period, but never below the 30 s default, so a pod with grace 0 (common
 * in tests) still runs its postStart sleep and httpGet handlers.
 */
export function postStartTimeoutMs(spec: PodSpec): number {
  return Math.max(spec.terminationGracePeriodSeconds ?? 30, 30) * 1000;
}

/**
 * A running sidecar has started once its startupProbe passed (as the results cache
 * knows it) and its postStart hook is over. Only the process that launched the
 * instance knows the hook's outcome (postStartDone); any other one counts the hook
 * over once it would have timed out, so a launcher that died mid-hook stalls nothing.
 */
function hasStarted(
  instance: InstanceFacts,
  spec: Container,
  podSpec: PodSpec,
  options: DecideOptions,
): boolean {
  if (instance.state !== 'running') return false;
  const verdict = options.verdicts?.(instance);
  if (verdict?.kill) return false;
  if (spec.lifecycle?.postStart && !verdict?.postStartDone) {
    const since = instance.startedAt ?? instance.createdAt;
    if (options.now - since < postStartTimeoutMs(podSpec)) return false;
  }
  const known = verdict?.started;
  if (known !== undefined) return known;
  return !spec.startupProbe;
}

export function decide(facts: PodFacts, options: DecideOptions): Decision {
  const { now } = options;
  const backoff = options.backoff ?? KUBELET_BACKOFF;
  const decision: Decision = { actions: [], backingOff: [] };
  if (facts.terminating || facts.replacing) return decision;
  const policy = policyOf(facts.spec.restartPolicy);
  const inits = facts.spec.initContainers ?? [];
  const apps = facts.spec.containers ?? [];
  const generation = facts.sandbox?.attempt ?? facts.maxSandboxAttempt;

  const finished = finishedPhase(facts);
  if (finished) {
    decision.finished = finished;
    // Run-to-completion pod done: its sidecars stop too, in reverse order.
    const sidecars = inits
      .filter(isSidecar)
      .map((c) => currentInstance(facts, c.name, 'init', generation))
      .filter((i): i is InstanceFacts => i?.state === 'running')
      .reverse();
    if (sidecars.length > 0) decision.actions.push({ kind: 'stop-sidecars', instances: sidecars });
    return decision;
  }

  const sandbox = facts.sandbox;
  if (sandbox?.state !== 'running') {
    const abandoned = sandbox?.creator && options.creatorGone?.(sandbox.creator);
    if (sandbox?.state === 'created' && now - sandbox.createdAt < STALE_CREATED_MS && !abandoned) {
      return decision; // being started by whoever created it
    }
    decision.actions.push({
      kind: 'rebuild-sandbox',
      attempt: facts.maxSandboxAttempt + 1,
      reason: sandbox
        ? 'Pod sandbox changed (the pause container exited), it will be killed and re-created.'
        : 'Pod sandbox is gone, it will be re-created.',
    });
    return decision;
  }

  // Kills first, as the kubelet's ContainersToKill: a failed liveness or startup
  // probe or postStart hook (the results cache's verdicts). The exit is seen by the
  // next decision, and the restart policy decides what comes of it.
  for (const instance of facts.instances) {
    if (instance.state !== 'running' || instance.sandboxAttempt !== generation) continue;
    if (currentInstance(facts, instance.name, instance.role, generation) !== instance) continue;
    const kill = options.verdicts?.(instance)?.kill;
    if (kill) decision.actions.push({ kind: 'kill', instance, ...kill });
  }

  /** Decide for one exited instance that may restart; false = it will not restart. */
  const restartOrWait = (
    spec: Container,
    role: 'init' | 'app',
    instance: InstanceFacts,
  ): 'started' | 'waiting' => {
    const timing = restartTiming(
      {
        streak: instance.streak,
        startedAt: instance.startedAt ?? instance.createdAt,
        finishedAt: instance.finishedAt ?? instance.startedAt ?? instance.createdAt,
      },
      now,
      backoff,
    );
    if (timing.backingOff) {
      decision.backingOff.push({ container: spec.name, role, until: timing.dueAt });
      decision.wakeAt = Math.min(decision.wakeAt ?? Number.POSITIVE_INFINITY, timing.dueAt);
      return 'waiting';
    }
    decision.actions.push({
      kind: 'start',
      container: spec,
      role,
      attempt: nextAttempt(facts, spec.name, role),
      streak: timing.nextStreak,
      sandboxAttempt: generation,
      replaces: instance,
    });
    return 'started';
  };

  const createdStale = (instance: InstanceFacts) => {
    const abandoned = instance.creator && options.creatorGone?.(instance.creator);
    if (now - instance.createdAt >= STALE_CREATED_MS || abandoned) {
      decision.actions.push({ kind: 'start-created', instance });
    }
  };

  const firstStart = (spec: Container, role: 'init' | 'app') =>
    decision.actions.push({
      kind: 'start',
      container: spec,
      role,
      attempt: nextAttempt(facts, spec.name, role),
      streak: 0,
      sandboxAttempt: generation,
    });

  // Init containers: in order, one at a time; sidecars need only to have started.
  for (const [index, spec] of inits.entries()) {
    const instance = currentInstance(facts, spec.name, 'init', generation);
    const later = [...inits.slice(index + 1), ...apps].some((c) =>
      currentInstance(facts, c.name, inits.includes(c) ? 'init' : 'app', generation),
    );
    if (!instance) {
      firstStart(spec, 'init');
      return decision;
    }
    if (instance.state === 'created') {
      createdStale(instance);
      return decision;
    }
    if (isSidecar(spec)) {
      if (instance.state === 'running') {
        if (hasStarted(instance, spec, facts.spec, options) || later) continue;
        return decision; // the next one waits for this sidecar's startup probe
      }
      restartOrWait(spec, 'init', instance);
      if (later) continue;
      return decision;
    }
    if (instance.state === 'running') return decision;
    if (instance.exitCode === 0) continue;
    if (shouldRestartInit(policy, instance.exitCode ?? 1, false))
      restartOrWait(spec, 'init', instance);
    return decision; // Never: finishedPhase already reported Failed
  }

  // App containers: all together, each restarted on its own by the policy.
  for (const spec of apps) {
    const instance = currentInstance(facts, spec.name, 'app', generation);
    if (!instance) {
      firstStart(spec, 'app');
      continue;
    }
    if (instance.state === 'created') {
      createdStale(instance);
      continue;
    }
    if (instance.state === 'running') continue;
    if (shouldRestartApp(policy, instance.exitCode ?? 1)) restartOrWait(spec, 'app', instance);
  }
  return decision;
}

/**
 * Succeeded or Failed as the kubelet decides it: an init container failed under
 * restartPolicy Never, or every app container exited and none will be restarted.
 */
export function finishedPhase(facts: PodFacts): 'Succeeded' | 'Failed' | undefined {
  const policy = policyOf(facts.spec.restartPolicy);
  if (policy === 'Always') return undefined;
  const generation = facts.sandbox?.attempt ?? facts.maxSandboxAttempt;
  for (const spec of facts.spec.initContainers ?? []) {
    if (isSidecar(spec)) continue;
    const instance = currentInstance(facts, spec.name, 'init', generation);
    if (instance?.state !== 'exited') break;
    if (instance.exitCode !== 0) return policy === 'Never' ? 'Failed' : undefined;
  }
  const apps = (facts.spec.containers ?? []).map((c) =>
    currentInstance(facts, c.name, 'app', generation),
  );
  if (apps.length === 0 || apps.some((a) => a?.state !== 'exited')) return undefined;
  if (apps.some((a) => shouldRestartApp(policy, a?.exitCode ?? 1))) return undefined;
  return apps.every((a) => a?.exitCode === 0) ? 'Succeeded' : 'Failed';
}
