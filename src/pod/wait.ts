// Wait until pods are Ready (every app container ready) or, for run-to-completion
// pods, Succeeded; fail fast with the reason when a pod cannot get there.
import { findPodRecord } from './records.js';
import { type PodStatusSummary, podStatus } from './status.js';

export class PodWaitError extends Error {
  override name = 'PodWaitError';
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  pollMs?: number;
}

export type WaitOutcome = 'Ready' | 'Succeeded';

/** Status words that will not get better by themselves. */
function hopeless(status: PodStatusSummary): string | undefined {
  if (status.phase === 'Failed') return `pod failed (${status.status})`;
  if (status.status === 'Init:Error') return 'an init container failed';
  if (status.status === 'CrashLoopBackOff' || status.status === 'Init:CrashLoopBackOff') {
    return status.status;
  }
  return undefined;
}

export async function waitForPod(
  namespace: string,
  name: string,
  options: WaitOptions,
): Promise<WaitOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  let last: PodStatusSummary | undefined;
  for (;;) {
    if (options.signal?.aborted) throw new PodWaitError(`waiting for pod/${name} was interrupted`);
    const record = await findPodRecord(namespace, name);
    if (!record) throw new PodWaitError(`pod/${name} does not exist`);
    last = podStatus(record);
    if (last.phase === 'Succeeded') return 'Succeeded';
    if (last.phase === 'Running' && last.ready === last.total) return 'Ready';
    const reason = hopeless(last);
    if (reason) throw new PodWaitError(`pod/${name} will not become ready: ${reason}`);
    if (Date.now() >= deadline) {
      throw new PodWaitError(
        `timed out after ${Math.round(options.timeoutMs / 1000)}s waiting for pod/${name} (${last.status}, ${last.ready}/${last.total} ready)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}
