// The library's endpoints loop: library pods have no supervisor by default, so the
// process that started Services keeps their endpoints right itself, one sync step
// (endpoints-sync.ts) every period while it holds Services. Readiness is the
// supervisor's report when one answers (supervised pods), else the kubelet's
// default for a running container (ready unless it has a readiness probe nobody runs).
import { log } from '../log.js';
import type { ProbeReport } from '../pod/probes/report.js';
import { EndpointsWriter } from './endpoints-sync.js';

export interface EndpointsLoopOptions {
  /** Probe states for a namespace (the supervisor's, when one runs). */
  probes?: (namespace: string) => Promise<ProbeReport>;
  /** Time between two steps; the proxy re-reads its config every 250 ms. */
  periodMs?: number;
}

export class EndpointsLoop {
  private readonly writer = new EndpointsWriter();
  private readonly services = new Map<string, { namespace: string; name: string }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: EndpointsLoopOptions = {}) {}

  /** Keep these Services' endpoints right (from the next step on). */
  add(services: ReadonlyArray<{ namespace: string; name: string }>): void {
    for (const service of services) {
      this.services.set(`${service.namespace}/${service.name}`, service);
    }
    this.stopped = false;
    this.schedule(0);
  }

  remove(services: ReadonlyArray<{ namespace: string; name: string }>): void {
    for (const service of services) this.services.delete(`${service.namespace}/${service.name}`);
  }

  get size(): number {
    return this.services.size;
  }

  /** One step now (also what the timer runs). */
  async step(): Promise<void> {
    const only = [...this.services.values()];
    if (only.length === 0) return;
    const report: ProbeReport = {};
    for (const namespace of new Set(only.map((service) => service.namespace))) {
      Object.assign(report, await this.options.probes?.(namespace).catch(() => ({})));
    }
    await this.writer.sync({ only, report });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped || this.timer || this.services.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.step()
        .catch((error: unknown) => log().debug(`endpoints loop: ${(error as Error).message}`))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.options.periodMs ?? 500);
        });
    }, delay);
    // Never what keeps the process alive.
    this.timer.unref();
  }
}
