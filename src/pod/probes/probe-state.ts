// Probe result bookkeeping, as the kubelet's prober workers keep it: a result flips
// only after successThreshold consecutive successes or failureThreshold consecutive
// failures. Readiness and startup start out failed (not ready, not started);
// liveness starts out successful. Pure.
import type { ProbeKind } from './spec.js';

export interface ProbeState {
  result: boolean;
  successes: number;
  failures: number;
  /** Probes run so far. */
  runs: number;
}

export function initialProbeState(kind: ProbeKind): ProbeState {
  return { result: kind === 'liveness', successes: 0, failures: 0, runs: 0 };
}

export interface ProbeUpdate {
  state: ProbeState;
  /** The result flipped with this run. */
  changed: boolean;
}

export function recordProbe(
  state: ProbeState,
  ok: boolean,
  thresholds: { successThreshold: number; failureThreshold: number },
): ProbeUpdate {
  const successes = ok ? state.successes + 1 : 0;
  const failures = ok ? 0 : state.failures + 1;
  let result = state.result;
  if (ok && successes >= thresholds.successThreshold) result = true;
  if (!ok && failures >= thresholds.failureThreshold) result = false;
  return {
    state: { result, successes, failures, runs: state.runs + 1 },
    changed: result !== state.result,
  };
}
