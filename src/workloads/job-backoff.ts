// The Job controller's back-off between failed pods (10 s doubling to 6 min), shortened
// by the same test-only knob as the kubelet's crash back-off (PODRUN_BACKOFF_BASE_MS,
// backoff.ts): both start at 10 s, so one setting scales both alike.
import { JOB_BACKOFF, type JobBackoff } from '../controllers/job.js';
import { backoffFromEnv, KUBELET_BACKOFF } from '../pod/lifecycle/backoff.js';

export function jobBackoffFromEnv(env: NodeJS.ProcessEnv = process.env): JobBackoff {
  const { baseMs } = backoffFromEnv(env);
  if (baseMs === KUBELET_BACKOFF.baseMs) return JOB_BACKOFF;
  const scale = baseMs / KUBELET_BACKOFF.baseMs;
  return { baseMs: JOB_BACKOFF.baseMs * scale, maxMs: JOB_BACKOFF.maxMs * scale };
}
