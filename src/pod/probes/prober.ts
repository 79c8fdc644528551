// The prober of one running container instance, as the kubelet's probe workers:
// the startup probe runs first; liveness and readiness begin once it has passed.
// Verdicts go into the results cache (results.ts) and nowhere else: readiness
// failure only marks the container not ready; a startup or liveness failure writes a
// kill verdict, and the sync (decide.ts) kills it; the restart policy decides next.
import type { Container } from 'kubernetes-types/core/v1.js';
import { initialProbeState, type ProbeState, recordProbe } from './probe-state.js';
import type { ContainerProbeState } from './report.js';
import type { ProbeResults } from './results.js';
import { type ProbeTarget, runHandler } from './run-probe.js';
import { type ProbeKind, type ProbeSettings, probeSettings } from './spec.js';

export interface ProberCallbacks {
  event(type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export function hasProbes(container: Container): boolean {
  return Boolean(container.startupProbe || container.readinessProbe || container.livenessProbe);
}

const LABEL: Record<ProbeKind, string> = {
  startup: 'Startup',
  readiness: 'Readiness',
  liveness: 'Liveness',
};

export class ContainerProber {
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly states = new Map<ProbeKind, ProbeState>();
  started: boolean;
  ready: boolean;

  constructor(
    readonly container: Container,
    readonly target: ProbeTarget,
    /** When the container started (ms): initialDelaySeconds counts from here. */
    readonly startedAt: number,
    private readonly callbacks: ProberCallbacks,
    /** Where verdicts go (changes there wake the sync). */
    private readonly results: ProbeResults,
    /**
     * What the previous supervisor last reported for this same instance: kept until a
     * probe says otherwise, as the kubelet keeps Started and Ready across its own
     * restart (ChangeContainerStatusOnKubeletRestart off, the default since 1.35).
     * Without it a restart would take every probed pod out of its Services until
     * its next probe passed.
     */
    kept?: ContainerProbeState,
  ) {
    this.started = !container.startupProbe || kept?.started === true;
    this.ready = this.started && (!container.readinessProbe || kept?.ready === true);
    // A kept Ready goes only after failureThreshold failures, as any other Ready.
    if (this.ready && container.readinessProbe) {
      this.states.set('readiness', { ...initialProbeState('readiness'), result: true });
    }
    this.results.set(target.containerId, { started: this.started, ready: this.ready });
  }

  private publish(): void {
    this.results.set(this.target.containerId, { started: this.started, ready: this.ready });
  }

  private verdict(message: string): void {
    this.results.set(this.target.containerId, { kill: { reason: 'Unhealthy', message } });
  }

  get state(): ContainerProbeState {
    return { started: this.started, ready: this.ready };
  }

  start(): void {
    const startup = this.started ? undefined : this.settings('startup');
    if (startup) this.schedule(startup, this.startedAt + startup.initialDelayMs);
    else this.afterStartup();
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private settings(kind: ProbeKind): ProbeSettings | undefined {
    try {
      return probeSettings(this.container, kind);
    } catch (error) {
      this.callbacks.event('Warning', 'Unhealthy', (error as Error).message);
      return undefined;
    }
  }

  private afterStartup(): void {
    for (const kind of ['readiness', 'liveness'] as const) {
      const settings = this.settings(kind);
      if (settings) this.schedule(settings, this.startedAt + settings.initialDelayMs);
    }
  }

  private schedule(settings: ProbeSettings, at: number): void {
    if (this.stopped) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        void this.run(settings);
      },
      Math.max(0, at - Date.now()),
    );
    this.timers.add(timer);
  }

  private async run(settings: ProbeSettings): Promise<void> {
    if (this.stopped) return;
    const began = Date.now();
    const outcome = await runHandler(settings.handler, this.target, settings.timeoutMs);
    if (this.stopped) return;
    const before = this.states.get(settings.kind) ?? initialProbeState(settings.kind);
    const { state, changed } = recordProbe(before, outcome.ok, settings);
    this.states.set(settings.kind, state);
    if (!outcome.ok) {
      this.callbacks.event(
        'Warning',
        'Unhealthy',
        `${LABEL[settings.kind]} probe failed: ${outcome.output}`,
      );
    }
    const name = this.container.name;
    if (settings.kind === 'startup') {
      if (state.result) {
        this.started = true;
        this.ready = !this.container.readinessProbe;
        this.publish();
        this.afterStartup();
        return; // the startup probe stops once it has succeeded
      }
      if (!outcome.ok && state.failures >= settings.failureThreshold) {
        this.stop();
        this.verdict(`Container ${name} failed startup probe, will be restarted`);
        return;
      }
    } else if (settings.kind === 'readiness') {
      if (changed) {
        this.ready = state.result;
        this.publish();
      }
    } else if (!state.result) {
      this.stop();
      this.verdict(`Container ${name} failed liveness probe, will be restarted`);
      return;
    }
    this.schedule(settings, began + settings.periodMs);
  }
}
