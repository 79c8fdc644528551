// When a pod's first run is over, as a pure rule on the facts and the decision of one
// sync step: the foreground `apply` runs the sync loop until this says so, then the
// supervisor carries the pod on. Over means: every app container was started once,
// or the pod finished, or an init container failed (the pod shows Init:Error and
// the restart policy's back-off is the supervisor's business), or a container is
// backing off.
import type { Decision } from './decide.js';
import { currentInstance, type PodFacts } from './facts.js';

export interface FirstRunOutcome {
  done: boolean;
  /** The init container that failed, when that ended the first run. */
  initFailure?: { container: string; exitCode: number };
}

export function firstRunOutcome(facts: PodFacts, decision: Decision): FirstRunOutcome {
  const sandbox = facts.sandbox;
  if (sandbox?.state !== 'running') return { done: decision.finished !== undefined };
  const generation = sandbox.attempt;
  for (const spec of facts.spec.initContainers ?? []) {
    if (spec.restartPolicy === 'Always') continue; // a sidecar does not run to completion
    // Any failed instance of this generation, not only the newest: the supervisor
    // restarts a failed init container at once (the first restart has no back-off),
    // so by the time this process reads the pod the newest one may be the retry.
    const failed = facts.instances.find(
      (i) =>
        i.name === spec.name &&
        i.role === 'init' &&
        i.sandboxAttempt === generation &&
        i.state === 'exited' &&
        i.exitCode !== 0,
    );
    if (failed) {
      return {
        done: true,
        initFailure: { container: spec.name, exitCode: failed.exitCode ?? 1 },
      };
    }
  }
  if (decision.finished || decision.backingOff.length > 0) return { done: true };
  const apps = facts.spec.containers ?? [];
  const allStarted = apps.every((spec) => {
    const state = currentInstance(facts, spec.name, 'app', generation)?.state;
    return state === 'running' || state === 'exited';
  });
  return { done: allStarted };
}
