// A running bundle, as startManifests hands it to a test: its pods (bare ones and
// those its controllers made) as PodHandles, its Services from the host, waits and
// logs by `kind/name`, port-forwards, and stop() (= close() = Symbol.asyncDispose)
// that removes all of it. The environment's own in-process supervisor runs its controllers, restarts
// and probes for as long as it lives; nothing of it is shared with another one.

import { Writable } from 'node:stream';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { log } from '../log.js';
import { matchesSelector } from '../manifest/selector.js';
import { parseSelector } from '../manifest/selector-syntax.js';
import type { ApplyResult } from '../pod/apply.js';
import { containerNames, defaultContainerName } from '../pod/containers-of.js';
import { PodNotFoundError } from '../pod/errors.js';
import { type PortForward, startPortForward } from '../pod/port-forward.js';
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
import { forwardRemote, parseForwardTarget } from '../workloads/forward-remotes.js';
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

/** A port forwarded from 127.0.0.1 into a pod, a Service or a Deployment (env.forward). */
export interface ForwardedTarget {
  /** The local port (a free one the system picked). */
  readonly port: number;
  /** `http://127.0.0.1:<port><path>`. */
  url(path?: string): string;
  /** Stop listening and drop its connections (stop() of the environment does it too). */
  close(): Promise<void>;
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
  private readonly forwards = new Set<PortForward>();

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

  /**
   * kubectl port-forward from the test: `forward('svc/web', 80)`, `forward('deploy/web',
   * 'http')`, `forward('pod/x', 8080)`. Listens on a free port of 127.0.0.1; each new
   * connection is relayed from inside the pod that serves it now (a Ready endpoint of
   * the Service, a Ready pod of the Deployment), so it reaches a server bound to the
   * pod's 127.0.0.1 and survives a replaced pod. Rejects when the object does not exist.
   */
  async forward(target: string, remote: number | string): Promise<ForwardedTarget> {
    const { kind, name } = parseForwardTarget(target);
    const probes = async () => this.init.supervisor.probeReport();
    const resolved = await forwardRemote(this.namespace, kind, name, remote, probes);
    // A connection that cannot be relayed is reset; its reason goes to the log.
    const err = new Writable({
      write(chunk, _encoding, done) {
        log().warn(`forward ${target} ${remote}: ${String(chunk).trimEnd()}`);
        done();
      },
    });
    const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
    const forward = await startPortForward({
      addresses: ['127.0.0.1'],
      ports: [{ local: 0, remoteLabel: String(resolved.label), resolve: resolved.resolve }],
      out: quiet,
      err,
    });
    this.forwards.add(forward);
    const port = forward.listening[0]?.port ?? 0;
    return {
      port,
      url: (path = '/') => `http://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}`,
      close: async () => {
        this.forwards.delete(forward);
        await forward.close();
      },
    };
  }

  /** Remove everything of the environment and stop its supervisor; safe to call twice. */
  stop(): Promise<void> {
    const forwards = [...this.forwards];
    this.forwards.clear();
    this.stopped ??= Promise.all(forwards.map((f) => f.close())).then(() =>
      tearDownEnvironment({
        namespace: this.namespace,
        supervisor: this.init.supervisor,
        applied: this.init.applied,
        gracePeriodSeconds: this.init.gracePeriodSeconds,
      }),
    );
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
