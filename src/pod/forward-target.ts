// Where a forwarded connection goes once its pod is chosen (port-forward): the pod's
// running sandbox, whose /pause relays the connection from inside the pod's network
// namespace, and the port, a container port name resolved on that pod.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ProbeReport } from './probes/report.js';
import { type PodRecord, podIPOf } from './records.js';
import { podStatus } from './status.js';

export interface ForwardTarget {
  namespace: string;
  pod: string;
  /** The running sandbox (pause) container. */
  sandboxId: string;
  podIP: string;
  port: number;
}

/** The port REMOTE means on this pod: a number as given, a name from its containers' ports. */
export function podPortOf(pod: Pod | undefined, remote: number | string): number {
  if (typeof remote === 'number') return remote;
  const spec = pod?.spec;
  const ports = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].flatMap(
    (container) => container.ports ?? [],
  );
  const found = ports.find((port) => port.name === remote && (port.protocol ?? 'TCP') === 'TCP');
  if (!found) {
    throw new Error(`Pod '${pod?.metadata?.name ?? ''}' does not have a named port '${remote}'`);
  }
  return found.containerPort;
}

/** The target for one connection to `record`; a one-line error when it cannot take one. */
export function forwardTargetOf(record: PodRecord, port: number): ForwardTarget {
  if (record.terminating) throw new Error(`pod ${record.name} is being deleted`);
  const sandbox = record.sandbox;
  if (sandbox?.State !== 'running') {
    throw new Error(
      `pod ${record.name} is not running (its sandbox is ${sandbox?.State ?? 'gone'})`,
    );
  }
  return {
    namespace: record.namespace,
    pod: record.name,
    sandboxId: sandbox.Id,
    podIP: podIPOf(record),
    port,
  };
}

/** Whether the pod is Ready (Running, every container ready), as `get pods` counts it. */
export function isPodReady(record: PodRecord, report?: ProbeReport): boolean {
  if (record.terminating) return false;
  const status = podStatus(record, report);
  return status.phase === 'Running' && status.total > 0 && status.ready === status.total;
}

/** A Ready pod among `records`, `previous` while it stays one (a connection's stickiness). */
export function pickReadyPod(
  records: readonly PodRecord[],
  report: ProbeReport | undefined,
  previous?: string,
): PodRecord | undefined {
  const ready = records.filter((record) => isPodReady(record, report));
  return ready.find((record) => record.name === previous) ?? ready[0];
}
