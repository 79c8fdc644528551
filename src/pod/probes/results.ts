// The probe results cache, as the kubelet's results.Manager: probers (and a
// container's start, for its postStart hook) write verdicts per container instance;
// the sync reads them (decide.ts) and is the only one that acts on them: a failed
// liveness or startup probe, or a failed postStart hook, becomes a `kill` intent of
// the next decision. Nobody else kills a container.
import type { ContainerProbeState, ProbeReport } from './report.js';

export interface Verdict {
  /** The startup probe passed (undefined: not known to this cache). */
  started?: boolean;
  ready?: boolean;
  /**
   * This process ran the instance's postStart hook and it succeeded: the instance
   * counts as started (the hook holds back the next container, decide.ts).
   */
  postStartDone?: boolean;
  /** A kill is due: why, as the Killing event says it. */
  kill?: { reason: 'Unhealthy' | 'FailedPostStartHook'; message: string };
}

export class ProbeResults {
  private readonly verdicts = new Map<string, Verdict>();

  /** `onChange` runs after every change (the sync owner wakes its loop). */
  constructor(private readonly onChange: () => void = () => undefined) {}

  get(id: string): Verdict | undefined {
    return this.verdicts.get(id);
  }

  set(id: string, patch: Verdict): void {
    this.verdicts.set(id, { ...this.verdicts.get(id), ...patch });
    this.onChange();
  }

  forget(id: string): void {
    this.verdicts.delete(id);
  }

  ids(): string[] {
    return [...this.verdicts.keys()];
  }

  /** started/ready of the instances probed here, for readiness in other processes. */
  report(): ProbeReport {
    const report: ProbeReport = {};
    for (const [id, verdict] of this.verdicts) {
      if (verdict.started === undefined && verdict.ready === undefined) continue;
      const state: ContainerProbeState = {
        started: verdict.started ?? true,
        ready: verdict.ready ?? false,
      };
      report[id] = state;
    }
    return report;
  }
}
