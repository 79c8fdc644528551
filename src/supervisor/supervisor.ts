// The supervisor: the kubelet's pod workers for podrun, outside any one command.
// Stateless by design: every tick it lists the pods labelled
// io.podrun.supervised=<scope> and runs one reconcile step on each (decide.ts says
// what, from Docker's own facts: states, exit codes, FinishedAt, attempt and
// crash-streak labels), so killing it and starting another loses nothing but probe
// results (re-learned within a period). Its lifecycle events go to each pod's event
// store in the engine (pod/event-store.ts), so they outlive it too.
// Docker events wake it early; back-off deadlines wake it on time; when the engine
// is gone it keeps retrying, and after an engine restart (every container exited)
// it rebuilds each pod: new sandbox, init containers, apps.
import { setTimeout as delay } from 'node:timers/promises';
import { engineEventStream } from '../docker/events.js';
import { sweepAbandonedNetworks } from '../docker/networks.js';
import { log } from '../log.js';
import { Labels } from '../plan/labels.js';
import { PodEventStore } from '../pod/event-store.js';
import { type BackoffSettings, backoffFromEnv } from '../pod/lifecycle/backoff.js';
import { EventLog } from '../pod/lifecycle/event-log.js';
import { PodDeletedError, StaleReadingError } from '../pod/lifecycle/fence.js';
import { sweepDeadIntents } from '../pod/lifecycle/intents.js';
import { LifecycleLabels } from '../pod/lifecycle/labels.js';
import { reconcilePod } from '../pod/lifecycle/reconcile.js';
import { ProberSet } from '../pod/probes/prober-set.js';
import type { ProbeReport } from '../pod/probes/report.js';
import { ProbeResults } from '../pod/probes/results.js';
import { listSupervisedRecords, type PodRecord } from '../pod/records.js';
import { EndpointsWriter } from '../services/endpoints-sync.js';
import { WorkloadControllers } from '../workloads/sync.js';
import type { ProbeMemory } from './probe-memory.js';
import type { PodReport } from './protocol.js';
import { AbsenceTracker } from './retention.js';

/** A container ID as the engine writes it (BackOff notices may also be keyed by name). */
const CONTAINER_ID = /^[0-9a-f]{64}$/;

/** How often the supervisor sweeps what killed processes left (networks). */
const SWEEP_MS = 5000;
/** How long a graceful stop lets the workload deletes under way finish. */
const STOP_DRAIN_MS = 5000;
/** How long a pod that left its Services' proxies still gets before SIGTERM. */
const PROXY_SETTLE_MS = 100;

export interface SupervisorOptions {
  /** io.podrun.supervised value of the pods to look after ("true" = default scope). */
  scope: string;
  namespace?: string;
  backoff?: BackoffSettings;
  /** Periodic reconcile, besides Docker events and back-off deadlines. */
  tickMs?: number;
  /** Called when no supervised pod has existed for idleMs (the daemon exits). */
  idleMs?: number;
  onIdle?: () => void;
  /** How long a pod's events stay in memory after the pod is gone (default 60 s). */
  forgetPodsAfterMs?: number;
  /**
   * Where probe states outlive this process (the daemon's; probe-memory.ts): read at
   * start, so readiness survives a restart; written as they change.
   */
  probeMemory?: ProbeMemory;
}

export class Supervisor {
  readonly events = new EventLog();
  /** Writes `events` to the pods' event stores, a moment after each event. */
  readonly store = new PodEventStore(this.events);
  readonly backoff: BackoffSettings;
  readonly startedAt = new Date();
  engineReachable = false;
  podCount = 0;
  /** Probers write verdicts here; every reconcile step reads them (decide.ts) and kills. */
  private readonly results = new ProbeResults(() => this.poke());
  private readonly probers = new ProberSet({ results: this.results, events: this.store.sink });
  /** The Services of this scope: their proxies' endpoint lists, kept from this ProberSet's report. */
  private readonly endpoints = new EndpointsWriter();
  /** The Deployments and ReplicaSets of this scope: their controllers' steps (src/workloads). */
  private readonly workloads = new WorkloadControllers({
    beforeStop: (record) => this.leaveServices(record),
  });
  private readonly busy = new Set<string>();
  private readonly notified = new Set<string>();
  // What is forgotten of instances and pods no longer listed (retention.ts): a
  // verdict or notice once its instance is gone, a pod's events a minute after it.
  private readonly goneInstances = new AbsenceTracker({ minListings: 2, graceMs: 0 });
  private readonly goneNotices = new AbsenceTracker({ minListings: 2, graceMs: 0 });
  private readonly gonePods: AbsenceTracker;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private nextWake = Number.POSITIVE_INFINITY;
  private eventStream: NodeJS.ReadableStream | undefined;
  private lastPodSeen = Date.now();
  private ticking: Promise<void> | undefined;
  private again = false;
  private lastSweep = 0;

  constructor(readonly options: SupervisorOptions) {
    this.backoff = options.backoff ?? backoffFromEnv();
    this.gonePods = new AbsenceTracker({
      minListings: 2,
      graceMs: options.forgetPodsAfterMs ?? 60_000,
    });
  }

  /** How much per-instance and per-pod state this supervisor holds (tests, soak). */
  retained(): { probers: number; verdicts: number; notices: number; podsWithEvents: number } {
    return {
      probers: this.probers.size,
      verdicts: this.results.ids().length,
      notices: this.notified.size,
      podsWithEvents: this.store.pods().length,
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.options.probeMemory) this.probers.keep(this.options.probeMemory.read());
    this.poke();
    void this.watchEvents();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    (this.eventStream as unknown as { destroy?: () => void } | undefined)?.destroy?.();
    // Before the probers go: what they know now is what the next supervisor keeps.
    this.options.probeMemory?.write(this.probeReport());
    this.probers.stop();
    await this.ticking;
    // The tick under way may have asked for a wake-up (a rollout's progress deadline,
    // minutes away): an in-process supervisor (a library environment) must not keep
    // the test process alive with it. (It starts no prober once stopped, syncPods;
    // the second probers.stop() only makes sure.)
    this.probers.stop();
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    await this.workloads.drain(STOP_DRAIN_MS);
    await this.store.flush();
  }

  /** Reconcile now (coalesced with a tick in flight). */
  poke(): void {
    if (!this.running) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.tick().finally(() => {
      this.ticking = undefined;
      if (!this.running) return;
      if (this.again) {
        this.again = false;
        this.poke();
        return;
      }
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.poke(), this.options.tickMs ?? 1000);
    });
  }

  private wakeAt(at: number): void {
    if (!this.running || at >= this.nextWake) return;
    this.nextWake = at;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(
      () => {
        this.nextWake = Number.POSITIVE_INFINITY;
        this.poke();
      },
      Math.max(0, at - Date.now()) + 5,
    );
  }

  private async tick(): Promise<void> {
    let records: PodRecord[];
    try {
      records = await listSupervisedRecords(this.options.scope, this.options.namespace);
      this.engineReachable = true;
    } catch (error) {
      if (this.engineReachable)
        log().warn({ err: error }, 'supervisor: engine unreachable; retrying');
      this.engineReachable = false;
      return;
    }
    this.podCount = records.length;
    if (records.length > 0) this.lastPodSeen = Date.now();
    else if (
      this.options.idleMs !== undefined &&
      Date.now() - this.lastPodSeen > this.options.idleMs
    ) {
      this.options.onIdle?.();
    }
    // The kubelet's pod sync, the endpoints controller and the workload controllers
    // run side by side, as their Kubernetes counterparts do: each acts on this listing
    // alone and is level-triggered, and the engine objects they share are fenced
    // (the delete fence, intent markers), so none waits on another's engine calls (a
    // sandbox start must not hold back a Job's first pod).
    await Promise.all([this.syncPods(records), this.syncEndpoints(), this.syncWorkloads(records)]);
    this.forgetGone(records);
    await this.housekeeping();
  }

  private async syncPods(records: PodRecord[]): Promise<void> {
    await Promise.all(records.map((record) => this.reconcile(record)));
    if (!this.running) return; // stop() has written the memory and stopped the probers
    this.probers.sync(records);
    this.options.probeMemory?.write(this.probeReport());
  }

  private async syncEndpoints(): Promise<void> {
    // Every tick, and at once when a probe result changes (the results cache pokes):
    // a pod going not-ready leaves its Services within one probe period. Services
    // are no pods: they do not keep the supervisor from its idle exit.
    await this.endpoints
      .sync({
        scope: this.options.scope,
        namespace: this.options.namespace,
        report: this.probeReport(),
        restartExited: true,
      })
      .catch((error: unknown) =>
        log().warn({ err: error }, `supervisor: endpoints: ${(error as Error).message}`),
      );
  }

  /** The workload controllers (Deployments, ReplicaSets, ...): the one writer of their pods. */
  private async syncWorkloads(records: PodRecord[]): Promise<void> {
    await this.workloads
      .sync({
        scope: this.options.scope,
        namespace: this.options.namespace,
        records,
        report: this.probeReport(),
      })
      .then((done) => {
        if (done.acted) this.again = true;
        if (done.wakeAt !== undefined) this.wakeAt(done.wakeAt);
      })
      .catch((error: unknown) =>
        log().warn({ err: error }, `supervisor: workloads: ${(error as Error).message}`),
      );
  }

  /**
   * A pod a controller is deleting leaves its Services before its containers stop:
   * one endpoints step, which sees the pod's Terminating marker, then a moment for
   * the connections the proxy accepted before its reload to reach the old pod.
   */
  private async leaveServices(record: PodRecord): Promise<void> {
    const outcome = await this.endpoints.sync({
      scope: this.options.scope,
      namespace: record.namespace,
      report: this.probeReport(),
    });
    if (outcome.written.length > 0) await delay(PROXY_SETTLE_MS);
  }

  /** The kubelet's housekeeping: what a killed process left, swept now and then. */
  private async housekeeping(): Promise<void> {
    if (Date.now() - this.lastSweep < SWEEP_MS) return;
    this.lastSweep = Date.now();
    await sweepAbandonedNetworks().catch((error: unknown) =>
      log().warn({ err: error }, 'supervisor: sweeping abandoned networks failed'),
    );
    await sweepDeadIntents().catch((error: unknown) =>
      log().warn({ err: error }, 'supervisor: sweeping dead intent markers failed'),
    );
  }

  /**
   * Forget verdicts and BackOff notices of removed instances (pruned, or their pod
   * deleted), and the events of pods gone for a while (retention.ts).
   */
  private forgetGone(records: PodRecord[]): void {
    const now = Date.now();
    const listed = new Set(records.flatMap((record) => record.containers.map((c) => c.Id)));
    for (const id of this.goneInstances.sweep(this.results.ids(), listed, now)) {
      this.results.forget(id);
    }
    const ids = new Set(records.flatMap((record) => record.all.map((c) => c.Id)));
    const notices = [...this.notified].filter((key) => CONTAINER_ID.test(key));
    for (const id of this.goneNotices.sweep(notices, ids, now)) this.notified.delete(id);
    const pods = new Set(records.map((record) => `${record.namespace}/${record.name}`));
    for (const key of this.gonePods.sweep(this.store.pods(), pods, now)) {
      this.store.forgetWritten(key);
    }
  }

  private async reconcile(record: PodRecord): Promise<void> {
    const key = `${record.namespace}/${record.name}`;
    if (this.busy.has(key)) return;
    this.busy.add(key);
    try {
      const decision = await reconcilePod(record, {
        backoff: this.backoff,
        events: this.store.sink,
        supervised: this.options.scope,
        notified: this.notified,
        results: this.results,
      });
      if (decision.wakeAt !== undefined) this.wakeAt(decision.wakeAt);
      if (decision.actions.length > 0) this.again = true;
    } catch (error) {
      // A create found the pod being deleted and undid itself (fence.ts): nothing to say.
      // A step acted on a reading that went stale (fence.ts): the next one reads again.
      if (error instanceof PodDeletedError || error instanceof StaleReadingError) return;
      log().warn({ err: error }, `supervisor: pod ${key}: ${(error as Error).message}`);
    } finally {
      this.busy.delete(key);
    }
  }

  /** Probe states of running containers, for readiness in other processes. */
  probeReport(): ProbeReport {
    return this.probers.report();
  }

  /**
   * What `get`, `describe` and `--wait` ask for: probe states, and lifecycle events
   * as this writer's store file will hold them (the file may lag a moment).
   */
  podReports(
    records: { namespace: string; name: string; ids: string[] }[],
  ): Record<string, PodReport> {
    const report = this.probeReport();
    const out: Record<string, PodReport> = {};
    for (const { namespace, name, ids } of records) {
      const probes: ProbeReport = {};
      for (const id of ids) if (report[id]) probes[id] = report[id];
      const live = this.store.live(namespace, name);
      out[`${namespace}/${name}`] = { probes, writer: live.writer, events: live.events };
    }
    return out;
  }

  /** Docker events wake the loop at once (a container died, a sandbox vanished). */
  private async watchEvents(): Promise<void> {
    while (this.running) {
      try {
        const stream = await engineEventStream({
          filters: {
            type: ['container'],
            event: ['die', 'destroy', 'start', 'oom'],
            label: [`${LifecycleLabels.supervised}=${this.options.scope}`],
          },
        });
        this.eventStream = stream;
        this.engineReachable = true;
        this.poke(); // the engine may have just come back
        await new Promise<void>((resolve) => {
          stream.on('data', (chunk: Buffer) => {
            const text = chunk.toString('utf8');
            if (
              this.options.namespace &&
              !text.includes(`"${Labels.namespace}":"${this.options.namespace}"`)
            ) {
              return;
            }
            this.poke();
          });
          stream.on('end', resolve);
          stream.on('close', resolve);
          stream.on('error', () => resolve());
        });
      } catch {
        this.engineReachable = false;
      }
      if (this.running) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
