// Keep each Service's proxy pointed at its Ready endpoints: the endpoints controller
// and kube-proxy in one step. From the namespace's pod records and their readiness
// (pod/status.ts, as `get pods` computes it, with the caller's probe report), compute
// the endpoints (plan/endpoints.ts), render the proxy config and write it only when
// it differs from what this writer last wrote (a process-local cache keyed by
// container: a new writer writes once, then only changes). Level-triggered: any
// number of writers may run it; they write the same text.
import type { Container, Service } from 'kubernetes-types/core/v1.js';
import { startContainer } from '../docker/containers.js';
import { type ProxyTarget, writeProxyConfig } from '../docker/service-proxy.js';
import { log } from '../log.js';
import {
  type EndpointPod,
  type EndpointService,
  type ServiceEndpoints,
  serviceEndpoints,
} from '../plan/endpoints.js';
import {
  PROXY_CONTROL_LABEL,
  parseProxyControl,
  proxyConfigPathOf,
  renderProxyConfig,
} from '../plan/service-proxy.js';
import type { ProbeReport } from '../pod/probes/report.js';
import { listPodRecords, type PodRecord, podIPOf } from '../pod/records.js';
import { listServiceRecords, type ServiceRecord } from '../pod/service-records.js';
import { podStatus } from '../pod/status.js';
import { HeadlessRecordsWriter } from './dns-resolver.js';

/** Where and how to hand this Service's proxy its config. */
export function proxyTargetOf(record: ServiceRecord, running: boolean): ProxyTarget {
  const control = parseProxyControl(record.info.Labels?.[PROXY_CONTROL_LABEL]);
  return {
    containerId: record.containerId,
    configPath: proxyConfigPathOf(record.info.Command),
    running,
    ...(control && record.clusterIP && record.clusterIP !== 'None'
      ? { control: { ...control, ip: record.clusterIP } }
      : {}),
  };
}

/** The parts of a stored Service that decide its endpoints. */
export function endpointServiceOf(service: Service): EndpointService {
  return {
    namespace: service.metadata?.namespace ?? 'default',
    selector: service.spec?.selector,
    ports: (service.spec?.ports ?? []).map((port) => ({
      name: port.name ?? '',
      port: port.port,
      protocol: port.protocol ?? 'TCP',
      targetPort: port.targetPort ?? port.port,
    })),
    publishNotReadyAddresses: service.spec?.publishNotReadyAddresses === true,
  };
}

/** A pod as the endpoints controller sees it: labels, IP, the Ready condition, ports. */
export function endpointPodOf(record: PodRecord, report?: ProbeReport): EndpointPod {
  const status = podStatus(record, report);
  const spec = record.pod?.spec;
  const serving: Container[] = [
    ...(spec?.containers ?? []),
    ...(spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
  ];
  return {
    name: record.name,
    namespace: record.namespace,
    labels: record.pod?.metadata?.labels ?? {},
    ip: record.sandbox?.State === 'running' ? podIPOf(record) || undefined : undefined,
    ready: status.phase === 'Running' && status.total > 0 && status.ready === status.total,
    terminating:
      record.terminating === true || status.phase === 'Succeeded' || status.phase === 'Failed',
    ports: serving.flatMap((c) => c.ports ?? []),
  };
}

export function endpointsOf(record: ServiceRecord, pods: readonly EndpointPod[]): ServiceEndpoints {
  return serviceEndpoints(endpointServiceOf(record.service), pods);
}

/** The proxy config for these endpoints: every Service port, its ready targets only. */
export function proxyConfigOf(endpoints: ServiceEndpoints): string {
  return renderProxyConfig(
    endpoints.ports.map((port) => ({
      protocol: port.protocol === 'UDP' ? 'UDP' : 'TCP',
      port: port.servicePort,
      endpoints: port.ready.map((target) => ({ ip: target.ip, port: target.port })),
    })),
  );
}

export interface SyncOptions {
  /** Only Services of this supervision scope (the supervisor's); default every one given. */
  scope?: string;
  namespace?: string;
  /** Only these Services (the library's, an apply's); default every Service listed. */
  only?: ReadonlyArray<{ namespace: string; name: string }>;
  /** Probe states by container id; a missing one counts as the kubelet's default. */
  report?: ProbeReport;
  /** Start a proxy that has exited (the supervisor does, after an engine restart). */
  restartExited?: boolean;
}

export interface SyncOutcome {
  /** Services whose config was written in this call. */
  written: string[];
  /** Proxies started again. */
  restarted: string[];
}

/**
 * One sync step. Writes are per container; a failure on one Service is logged and
 * the others go on (the next step tries it again: the cache only records success).
 */
export class EndpointsWriter {
  private readonly written = new Map<string, string>();
  /** Headless Services: their namespace resolver's records (dns-resolver.ts). */
  private readonly headless = new HeadlessRecordsWriter();

  /** The step under way: steps of one writer run one at a time (see sync). */
  private running: Promise<unknown> = Promise.resolve();

  /**
   * One step, after the one under way: two overlapping steps could land their writes
   * out of order, an older pod list (a pod just marked Terminating still in it)
   * written over a newer one.
   */
  sync(options: SyncOptions = {}): Promise<SyncOutcome> {
    const step = this.running.then(() => this.step(options));
    this.running = step.catch(() => undefined);
    return step;
  }

  private async step(options: SyncOptions): Promise<SyncOutcome> {
    const outcome: SyncOutcome = { written: [], restarted: [] };
    let services = await listServiceRecords({ namespace: options.namespace });
    if (options.scope !== undefined) {
      services = services.filter((record) => record.supervised === options.scope);
    }
    if (options.only) {
      const wanted = new Set(options.only.map((s) => `${s.namespace}/${s.name}`));
      services = services.filter((record) => wanted.has(`${record.namespace}/${record.name}`));
    }
    const headless = services.filter((record) => record.clusterIP === 'None');
    services = services.filter((record) => record.clusterIP !== 'None');
    const live = new Set(services.map((record) => record.containerId));
    for (const id of this.written.keys()) if (!live.has(id)) this.written.delete(id);
    if (services.length === 0 && headless.length === 0) return outcome;

    const namespaces = [...new Set([...services, ...headless].map((record) => record.namespace))];
    const pods = (
      await Promise.all(namespaces.map((namespace) => listPodRecords({ namespace })))
    ).flat();
    const endpointPods = pods.map((record) => endpointPodOf(record, options.report));
    if (headless.length > 0) {
      await this.headless.sync(
        headless,
        (record) => endpointsOf(record, endpointPods).ready.map((address) => address.ip),
        { restartExited: options.restartExited },
      );
    }
    await Promise.all(
      services.map(async (record) => {
        const key = `${record.namespace}/${record.name}`;
        try {
          if (record.state === 'exited' || record.state === 'dead') {
            if (!options.restartExited) return;
            await startContainer(record.containerId);
            outcome.restarted.push(key);
          } else if (record.state !== 'running' && record.state !== 'created') {
            return;
          }
          const text = proxyConfigOf(endpointsOf(record, endpointPods));
          if (this.written.get(record.containerId) === text) return;
          // Applied by the proxy now, not at its next 250 ms re-read of the file: an
          // apply that returns answers through its Services at once.
          await writeProxyConfig(
            proxyTargetOf(record, record.state === 'running' || outcome.restarted.includes(key)),
            text,
          );
          this.written.set(record.containerId, text);
          outcome.written.push(key);
        } catch (error) {
          log().warn({ err: error }, `service ${key}: endpoints: ${(error as Error).message}`);
        }
      }),
    );
    return outcome;
  }
}
