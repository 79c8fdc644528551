// Wait until pods are Ready (every app container ready: running, started, readiness
// probe passing as the caller's probe reader says: the supervisor's, passed in) or, for run-to-completion pods,
// Succeeded; fail fast with the reason when a pod cannot get there:
// CrashLoopBackOff of an app or init container (with its last log lines), a Failed
// pod (a failed init container under restartPolicy Never included), or the timeout.
import { streamLogs } from '../docker/logs.js';
import { PodrunError } from '../errors.js';
import type { ProbeReport } from './probes/report.js';
import { findPodRecord, withDetails } from './records.js';
import { type PodStatusSummary, podStatus } from './status.js';

export class PodWaitError extends PodrunError {
  override name = 'PodWaitError';
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  pollMs?: number;
  /**
   * Probe states (readiness), e.g. the supervisor's (supervisor/client.ts
   * supervisorProbes). Unsupervised pods need none: running counts as ready.
   */
  probes: (namespace: string, name: string) => Promise<ProbeReport>;
}

export type WaitOutcome = 'Ready' | 'Succeeded';

async function lastLogLines(containerId: string, lines = 5): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = {
    write(chunk: Buffer) {
      chunks.push(Buffer.from(chunk));
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  try {
    await streamLogs(containerId, { tail: lines }, sink as never);
  } catch {
    return '';
  }
  return Buffer.concat(chunks).toString('utf8').trimEnd();
}

/**
 * Status words that will not get better by themselves, with the reason (also read
 * by the library's environments for the pods of a Deployment they wait for).
 */
export async function hopeless(status: PodStatusSummary): Promise<string | undefined> {
  if (status.phase === 'Failed') {
    const failed = status.containers.find((c) => c.state === 'terminated' && c.exitCode !== 0);
    const detail = failed
      ? `: container ${failed.name} exited with code ${failed.exitCode} (${failed.reason})`
      : '';
    const logs = failed ? await lastLogLines(failed.containerId) : '';
    return `pod failed (${status.status})${detail}${logs ? `; last log lines:\n${logs}` : ''}`;
  }
  // A failed init container under restartPolicy Never fails the pod (above); under
  // Always/OnFailure the kubelet retries it, so only its CrashLoopBackOff (below) is
  // hopeless, as for an app container.
  const looping = status.containers.find((c) => c.reason === 'CrashLoopBackOff');
  if (looping) {
    const last = looping.lastState;
    const logs = last ? await lastLogLines(last.containerId) : '';
    return `${status.status}: container ${looping.name} keeps failing${
      last ? ` (last exit code ${last.exitCode}, ${last.reason})` : ''
    }${logs ? `; last log lines:\n${logs}` : ''}`;
  }
  return undefined;
}

/** A container that started this recently is looked at once more before it counts. */
const FRESH_MS = 1000;
const CONFIRM_MS = 50;

/**
 * A container that exits at once (`sh -c 'exit 2'`) is `running` for a few ms, and
 * a read that lands then would call the pod Ready. The kubelet never reports such a
 * container Ready (its relist sees it exited); here a pod whose containers all
 * started over a second ago counts at once, and a fresh one is read again after a
 * moment: Ready only if the same instances are still running and ready.
 */
async function stillReady(
  namespace: string,
  name: string,
  seen: PodStatusSummary,
  probes: WaitOptions['probes'],
): Promise<boolean> {
  const now = Date.now();
  const fresh = seen.containers.some(
    (c) => c.startedAt !== undefined && now - Date.parse(c.startedAt) < FRESH_MS,
  );
  if (!fresh) return true;
  await new Promise((resolve) => setTimeout(resolve, CONFIRM_MS));
  const record = await findPodRecord(namespace, name);
  if (!record || record.terminating) return false;
  const again = podStatus(await withDetails(record), await probes(namespace, name));
  const ids = (status: PodStatusSummary) => status.containers.map((c) => c.containerId).join();
  return again.phase === 'Running' && again.ready === again.total && ids(again) === ids(seen);
}

export async function waitForPod(
  namespace: string,
  name: string,
  options: WaitOptions,
): Promise<WaitOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  const { probes } = options;
  let last: PodStatusSummary | undefined;
  for (;;) {
    if (options.signal?.aborted) throw new PodWaitError(`waiting for pod/${name} was interrupted`);
    const record = await findPodRecord(namespace, name);
    // waitForPod is asked about a pod that was just applied (or started): gone now
    // means deleted meanwhile (a delete wins over the wait).
    if (!record) throw new PodWaitError(`pod/${name} was deleted while waiting for it`);
    last = podStatus(await withDetails(record), await probes(namespace, name));
    if (last.phase === 'Succeeded') return 'Succeeded';
    if (last.phase === 'Running' && last.ready === last.total && !record.terminating) {
      if (!(await stillReady(namespace, name, last, probes))) continue;
      return 'Ready';
    }
    const reason = await hopeless(last);
    if (reason) throw new PodWaitError(`pod/${name} will not become ready: ${reason}`);
    if (Date.now() >= deadline) {
      throw new PodWaitError(
        `timed out after ${Math.round(options.timeoutMs / 1000)}s waiting for pod/${name} (${last.status}, ${last.ready}/${last.total} ready)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}
