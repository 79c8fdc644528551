// A pod's sync loop run in the foreground until its first run is over
// (first-run.ts): the same read → decide → execute steps the supervisor runs
// (reconcile.ts), with this process's own probe results cache and probers, so a
// native sidecar's startupProbe and a failed postStart hook are decided exactly as
// they are later. Any number of processes may run it on one pod at once (two
// applies, an apply and a supervisor): the steps are level-triggered and the
// engine refuses a second create of one step (deterministic names).
import type { Container } from 'kubernetes-types/core/v1.js';
import { PodStartError } from '../errors.js';
import type { EventSink } from '../event-types.js';
import { ProberSet } from '../probes/prober-set.js';
import { ProbeResults } from '../probes/results.js';
import { findPodRecord, type PodRecord, podIPOf } from '../records.js';
import type { BackoffSettings } from './backoff.js';
import { PodDeletedError, StaleReadingError } from './fence.js';
import { type FirstRunOutcome, firstRunOutcome } from './first-run.js';
import { decideStep, executeDecision, readPod } from './reconcile.js';

export interface SyncUntilStartedOptions {
  namespace: string;
  name: string;
  events: EventSink;
  /** io.podrun.supervised value for containers this loop creates. */
  supervised?: string;
  backoff?: BackoffSettings;
  signal?: AbortSignal;
}

export interface FirstRun extends FirstRunOutcome {
  record: PodRecord;
  podIP: string;
  sandboxId: string;
}

/** Poll interval while waiting (an init container running, a startup probe pending). */
const MIN_WAIT_MS = 50;
const MAX_WAIT_MS = 500;

/** Only what the first run waits on is probed here: a native sidecar's startupProbe. */
const gatesFirstRun = (spec: Container, role: 'init' | 'app') =>
  role === 'init' && spec.restartPolicy === 'Always' && spec.startupProbe !== undefined;

export async function syncUntilStarted(options: SyncUntilStartedOptions): Promise<FirstRun> {
  const { namespace, name, signal } = options;
  let wake: () => void = () => undefined;
  const results = new ProbeResults(() => wake());
  const probers = new ProberSet({ results, events: options.events, wanted: gatesFirstRun });
  const deps = {
    events: options.events,
    supervised: options.supervised,
    backoff: options.backoff,
    results,
    notified: new Set<string>(),
  };
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        wake = () => undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake = done;
      signal?.addEventListener('abort', done, { once: true });
    });
  try {
    for (let idle = 0; ; ) {
      if (signal?.aborted) throw new PodStartError('interrupted');
      const listed = await findPodRecord(namespace, name);
      // Deleted (or being deleted) meanwhile: deletion wins.
      if (!listed || listed.terminating) throw new PodDeletedError(namespace, name);
      const reading = await readPod(listed);
      const decision = reading && decideStep(reading, deps);
      if (reading && decision) {
        probers.sync([reading.record]);
        const outcome = firstRunOutcome(reading.facts, decision);
        if (outcome.done) {
          // A kill decided now (a failed postStart hook) is this process's to make:
          // nobody else holds the verdict. The restarts are the supervisor's.
          const kills = decision.actions.filter((action) => action.kind === 'kill');
          if (kills.length === 0) {
            const { record } = reading;
            const sandboxId = record.sandbox?.Id ?? '';
            return { ...outcome, record, podIP: podIPOf(record), sandboxId };
          }
          await executeStale(reading, { ...decision, actions: kills }, deps);
          continue;
        }
        if (!(await executeStale(reading, decision, deps))) continue;
        if (decision.actions.length > 0) {
          idle = 0;
          continue;
        }
      }
      // Nothing to do yet: wait for a verdict (results change) or the next look.
      await pause(Math.min(MIN_WAIT_MS * 2 ** idle++, MAX_WAIT_MS));
    }
  } finally {
    probers.stop();
  }
}

/** Execute; false when the reading went stale meanwhile (fence.ts): read again. */
async function executeStale(
  reading: Parameters<typeof executeDecision>[0],
  decision: Parameters<typeof executeDecision>[1],
  deps: Parameters<typeof executeDecision>[2],
): Promise<boolean> {
  try {
    await executeDecision(reading, decision, deps);
    return true;
  } catch (error) {
    if (error instanceof StaleReadingError) return false;
    throw error;
  }
}
