// Crash-loop back-off as the kubelet does it: the first restart is immediate, then
// 10 s, 20 s, 40 s ... capped at 300 s; a container that ran for 10 minutes resets
// the streak. Stateless: each instance carries the streak it was created with
// (label io.podrun.crash-streak) and Docker keeps its StartedAt/FinishedAt, so the
// next restart time is computed from Docker alone by whoever looks.
export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
  /** Running this long without crashing resets the streak. */
  resetAfterMs: number;
}

export const KUBELET_BACKOFF: BackoffSettings = {
  baseMs: 10_000,
  maxMs: 300_000,
  resetAfterMs: 600_000,
};

/**
 * The kubelet's numbers, except where the environment shortens them for tests:
 * PODRUN_BACKOFF_BASE_MS / PODRUN_BACKOFF_MAX_MS (test-only knobs; never set them
 * in production, where kubelet parity is the point).
 */
export function backoffFromEnv(env: NodeJS.ProcessEnv = process.env): BackoffSettings {
  const base = Number(env.PODRUN_BACKOFF_BASE_MS);
  const max = Number(env.PODRUN_BACKOFF_MAX_MS);
  const baseMs = Number.isFinite(base) && base > 0 ? base : KUBELET_BACKOFF.baseMs;
  const maxMs =
    Number.isFinite(max) && max > 0
      ? max
      : Math.max(baseMs, KUBELET_BACKOFF.maxMs * (baseMs / KUBELET_BACKOFF.baseMs));
  return { baseMs, maxMs, resetAfterMs: KUBELET_BACKOFF.resetAfterMs };
}

/** Delay before restarting an instance that ended a streak of `streak` earlier crashes. */
export function backoffDelayMs(
  streak: number,
  settings: BackoffSettings = KUBELET_BACKOFF,
): number {
  if (streak <= 0) return 0;
  const delay = settings.baseMs * 2 ** Math.min(streak - 1, 30);
  return Math.min(delay, settings.maxMs);
}

/** The streak an exited instance leaves behind: reset when it ran long enough. */
export function effectiveStreak(
  streak: number,
  ranMs: number,
  settings: BackoffSettings = KUBELET_BACKOFF,
): number {
  return ranMs >= settings.resetAfterMs ? 0 : streak;
}

export interface RestartTiming {
  /** When the restart may happen (ms since epoch). */
  dueAt: number;
  /** Streak label for the new instance. */
  nextStreak: number;
  /** True while waiting: kubectl's CrashLoopBackOff. */
  backingOff: boolean;
}

export function restartTiming(
  exited: { streak: number; startedAt: number; finishedAt: number },
  now: number,
  settings: BackoffSettings = KUBELET_BACKOFF,
): RestartTiming {
  const streak = effectiveStreak(exited.streak, exited.finishedAt - exited.startedAt, settings);
  const dueAt = exited.finishedAt + backoffDelayMs(streak, settings);
  return { dueAt, nextStreak: streak + 1, backingOff: now < dueAt };
}
