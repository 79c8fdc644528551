// The probers of whoever runs a pod's sync loop (the kubelet's prober manager): one
// ContainerProber per running container instance that has probes, started when the
// instance appears in a listing and stopped when it is gone. Verdicts go to the
// owner's results cache; the sync reads them. The supervisor probes everything; a
// foreground apply probes only what its first run waits on (a native sidecar's
// startupProbe), through `wanted`.
import type { Container } from 'kubernetes-types/core/v1.js';
import type { EventSink } from '../event-types.js';
import { currentInstance, podFacts } from '../lifecycle/facts.js';
import { type PodRecord, podIPOf } from '../records.js';
import { ContainerProber, hasProbes } from './prober.js';
import type { ContainerProbeState, ProbeReport } from './report.js';
import type { ProbeResults } from './results.js';

export interface ProberSetOptions {
  results: ProbeResults;
  events: EventSink;
  /** Which containers to probe (default: every one with probes). */
  wanted?: (spec: Container, role: 'init' | 'app') => boolean;
}

export class ProberSet {
  private readonly probers = new Map<string, ContainerProber>();
  /**
   * A previous owner's states, until the first sync(): each starts the prober of its
   * instance; the others are of containers gone since (or not running).
   */
  private kept = new Map<string, ContainerProbeState>();

  constructor(private readonly options: ProberSetOptions) {}

  /** How many instances are probed now. */
  get size(): number {
    return this.probers.size;
  }

  /**
   * Start the probers of these instances from a previous owner's states (a supervisor
   * restart, its report()). Only the same container keeps them: an id names one run,
   * as podrun never starts a container again (a restart is a new container), so one
   * that restarted in between starts afresh.
   */
  keep(states: ProbeReport): void {
    this.kept = new Map(Object.entries(states));
  }

  /** Probe the running instances of these pods; stop probing the others. */
  sync(records: PodRecord[]): void {
    const alive = new Set<string>();
    for (const record of records) {
      if (record.terminating || !record.sandbox || record.sandbox.State !== 'running') continue;
      const facts = podFacts(record);
      const specs: [Container, 'init' | 'app'][] = [
        ...(record.pod?.spec?.initContainers ?? []).map((c) => [c, 'init'] as [Container, 'init']),
        ...(record.pod?.spec?.containers ?? []).map((c) => [c, 'app'] as [Container, 'app']),
      ];
      const podIP = podIPOf(record);
      for (const [spec, role] of specs) {
        if (!hasProbes(spec)) continue;
        // Only native sidecars among init containers are probed (as the kubelet).
        if (role === 'init' && spec.restartPolicy !== 'Always') continue;
        if (this.options.wanted && !this.options.wanted(spec, role)) continue;
        const instance = currentInstance(facts, spec.name, role);
        if (instance?.state !== 'running') continue;
        alive.add(instance.id);
        if (this.probers.has(instance.id)) continue;
        const object = `spec.${role === 'init' ? 'initContainers' : 'containers'}{${spec.name}}`;
        const info = record.containers.find((c) => c.Id === instance.id);
        const kept = this.kept.get(instance.id);
        const prober = new ContainerProber(
          spec,
          { containerId: instance.id, sandboxId: record.sandbox.Id, podIP },
          // Inspect's StartedAt when known; `docker ps` has only Created, a moment before.
          instance.startedAt ?? (info?.Created ?? Date.now() / 1000) * 1000,
          {
            event: (type, reason, message) =>
              this.options.events(record.namespace, record.name, {
                type,
                reason,
                object,
                message,
              }),
          },
          this.options.results,
          kept,
        );
        this.probers.set(instance.id, prober);
        prober.start();
      }
    }
    this.kept.clear();
    for (const [id, prober] of this.probers) {
      if (alive.has(id)) continue;
      prober.stop();
      this.probers.delete(id);
    }
    // Verdicts of instances that have stopped (a postStart verdict has no prober).
    const stopped = new Set(
      records
        .flatMap((record) => record.containers)
        .filter((c) => c.State !== 'running')
        .map((c) => c.Id),
    );
    for (const id of this.options.results.ids())
      if (stopped.has(id)) this.options.results.forget(id);
  }

  /** Probe states of the instances probed here, for readiness in other processes. */
  report(): ProbeReport {
    // Before the first sync, the kept states stand for the probers to come: the
    // endpoints and `get` read them in the first tick, alongside that sync.
    const report: ProbeReport = Object.fromEntries(this.kept);
    for (const [id, prober] of this.probers) report[id] = prober.state;
    return report;
  }

  stop(): void {
    for (const prober of this.probers.values()) prober.stop();
    this.probers.clear();
  }
}
