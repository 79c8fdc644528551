// A running bundle, as startManifests hands it to a test: its pods (bare ones and
// those its controllers made) as PodHandles, its Services from the host, waits and
// logs by `kind/name`, and stop() (= close() = Symbol.asyncDispose) that removes all
// of it. The environment's own in-process supervisor runs its controllers, restarts
// and probes for as long as it lives; nothing of it is shared with another one.
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { matchesSelector } from '../manifest/selector.js';
import { parseSelector } from '../manifest/selector-syntax.js';
import type { ApplyResult } from '../pod/apply.js';
import { containerNames, defaultContainerName } from '../pod/containers-of.js';
import { PodNotFoundError } from '../pod/errors.js';
import {
  findPodRecord,
  listPodRecords,
  type PodRecord,
  podIPOf,
  withDetails,
} from '../pod/records.js';
import type { ServiceRecord } from '../pod/service-records.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import type { WorkloadApplyResult } from '../workloads/apply.js';
import { qualifiedName } from '../workloads/labels.js';
import { workloadPods } from '../workloads/manage.js';
import { logsPod, parseTarget, type Target, waitTargets } from './env-targets.js';
import { tearDownEnvironment } from './env-teardown.js';
import { waitForTargets } from './env-wait.js';
import { type LogsOptions, PodHandle } from './pod-handle.js';
import { publishedPortsOf } from './published-ports.js';
import { ServiceHandle } from './service-handle.js';

/** kubectl's `-l` text (`app=web,tier!=db`), matchLabels as an object, or a LabelSelector. */
export type PodSelector = string | Record<string, string> | LabelSelector;

export interface EnvironmentLogsOptions extends LogsOptions {
  /** The container; default the pod's default container (as kubectl logs). */
  container?: string;
}

export interface EnvironmentInit {
  namespace: string;
  supervisor: Supervisor;
  owner: string | undefined;
  applied: ApplyResult[];
  workloads: WorkloadApplyResult[];
  services: ServiceRecord[];
  timeoutMs: number;
  gracePeriodSeconds?: number;
}

function toLabelSelector(selector: PodSelector): LabelSelector {
  if (typeof selector === 'string') return parseSelector(selector);
  if ('matchLabels' in selector || 'matchExpressions' in selector) {
    return selector as LabelSelector;
  }
  return { matchLabels: selector as Record<string, string> };
}

export class Environment implements AsyncDisposable {
  /** The environment's own namespace (fresh and unique): every object of the bundle is in it. */
  readonly namespace: string;
  /** What the bundle's apply made, and the workloads it stored (for the supervisor). */
  readonly applied: readonly ApplyResult[];
  readonly workloads: readonly WorkloadApplyResult[];
  private readonly init: EnvironmentInit;
  private stopped: Promise<void> | undefined;

  constructor(init: EnvironmentInit) {
    this.init = init;
    this.namespace = init.namespace;
    this.applied = init.applied;
    this.workloads = init.workloads;
  }

  private probes = async () => this.init.supervisor.probeReport();

  private async handleOf(record: PodRecord): Promise<PodHandle> {
    const detailed = await withDetails(record);
    const sandboxId = record.sandbox?.Id ?? '';
    return new PodHandle({
      namespace: record.namespace,
      name: record.name,
      uid: record.uid,
      ip: podIPOf(record),
      sandboxId,
      owner: this.init.owner,
      ports: publishedPortsOf(detailed.inspected?.get(sandboxId)),
      timeoutMs: this.init.timeoutMs,
      gracePeriodSeconds: this.init.gracePeriodSeconds,
      probes: this.probes,
    });
  }

  /** The pod named `name`: a bare pod as written, or one a controller made (`web-7d4f9-abcde`). */
  async pod(name: string): Promise<PodHandle> {
    const record = await findPodRecord(this.namespace, name);
    if (!record) throw new PodNotFoundError(this.namespace, name);
    return this.handleOf(record);
  }

  /** The pods whose labels match (every pod without a selector), by name; none being deleted. */
  async pods(selector?: PodSelector): Promise<PodHandle[]> {
    const wanted = selector === undefined ? undefined : toLabelSelector(selector);
    const records = (await listPodRecords({ namespace: this.namespace }))
      .filter((record) => !record.terminating)
      .filter((record) => !wanted || matchesSelector(wanted, record.pod?.metadata?.labels ?? {}))
      .sort((a, b) => a.name.localeCompare(b.name));
    return Promise.all(records.map((record) => this.handleOf(record)));
  }

  /** The Service `name` of the bundle: `service('web').url(80)`, `.hostPort(80)`. */
  service(name: string): ServiceHandle {
    const record = this.init.services.find((s) => s.name === name);
    if (!record) {
      const known = this.init.services.map((s) => s.name).join(', ') || 'none';
      throw new Error(`no service ${name} in this environment (services: ${known})`);
    }
    return new ServiceHandle(record);
  }

  /**
   * Wait for `kind/name` targets (`deploy/web`, `job/migrate`, a pod name): pods Ready
   * or Succeeded, Deployments rolled out, ReplicaSets and DaemonSets ready, Jobs
   * Complete (a Failed Job rejects). Without targets: everything the start waited for.
   */
  async wait(
    targets?: string | readonly string[],
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<void> {
    const list: Target[] =
      targets === undefined
        ? waitTargets(this.applied, this.workloads)
        : (typeof targets === 'string' ? [targets] : targets).map(parseTarget);
    await waitForTargets(list, {
      namespace: this.namespace,
      timeoutMs: options.timeoutMs ?? this.init.timeoutMs,
      probes: () => this.init.supervisor.probeReport(),
      signal: options.signal,
    });
  }

  /**
   * The log of `target` as `kubectl logs` prints it: a pod (by name or `pod/x`), or a
   * workload (`job/migrate`, `deploy/web`: its newest pod). stdout and stderr merged
   * in write order.
   */
  async logs(target: string, options: EnvironmentLogsOptions = {}): Promise<string> {
    const { kind, name } = parseTarget(target);
    let record: PodRecord | undefined;
    if (kind === 'Pod') {
      record = await findPodRecord(this.namespace, name);
      if (!record) throw new PodNotFoundError(this.namespace, name);
    } else {
      const owned = await workloadPods(kind, this.namespace, name);
      if (!owned) throw new Error(`${qualifiedName(kind, name)} not found`);
      record = logsPod(owned);
      if (!record) throw new Error(`${qualifiedName(kind, name)} has no pod (yet)`);
    }
    const container = options.container ?? defaultContainerName(record);
    if (!containerNames(record).includes(container)) {
      throw new Error(
        `container ${container} is not in pod ${record.name} (containers: ${containerNames(record).join(', ')})`,
      );
    }
    const { container: _container, ...logsOptions } = options;
    return (await this.handleOf(record)).logs(container, logsOptions);
  }

  /** Remove everything of the environment and stop its supervisor; safe to call twice. */
  stop(): Promise<void> {
    this.stopped ??= tearDownEnvironment({
      namespace: this.namespace,
      supervisor: this.init.supervisor,
      applied: this.init.applied,
      gracePeriodSeconds: this.init.gracePeriodSeconds,
    });
    return this.stopped;
  }

  /** The same as stop(). */
  close(): Promise<void> {
    return this.stop();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
