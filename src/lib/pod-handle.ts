// The handle a test holds for one running pod: where it is (name, IP, host ports),
// what runs in it (exec, logs, events, status), and how it goes away (delete, or
// `await using` through Symbol.asyncDispose).
import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import { isConflict } from '../docker/errors.js';
import { deleteClaimVolume, deleteConfigObject } from '../pod/config-store.js';
import { containerExecCollect, containerLogs, type ExecResult } from '../pod/container-io.js';
import { containerInstance, defaultContainerName } from '../pod/containers-of.js';
import { deletePodRecord } from '../pod/delete-pod.js';
import { PodNotFoundError } from '../pod/errors.js';
import { type PodEvent, podEvents } from '../pod/events.js';
import type { ProbeReport } from '../pod/probes/report.js';
import { findPodRecord, type PodRecord } from '../pod/records.js';
import { restartPodContainer } from '../pod/restart-container.js';
import { type PodStatusSummary, podStatus } from '../pod/status.js';
import { waitForPod } from '../pod/wait.js';
import { supervisorProbes } from '../supervisor/client.js';
import { liveEvents } from './event-store.js';
import { type HostPort, type PublishedPorts, portKey } from './published-ports.js';

/** A ConfigMap, Secret or claim a start created; removed with the pod. */
export interface CreatedConfigObject {
  kind: 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim';
  namespace: string;
  name: string;
}

export interface PodHandleInit {
  namespace: string;
  name: string;
  uid: string;
  ip: string;
  sandboxId: string;
  owner?: string;
  ports: PublishedPorts;
  timeoutMs: number;
  gracePeriodSeconds?: number;
  configObjects?: CreatedConfigObject[];
  /**
   * Readiness of probed containers: by default the supervisor of this process's scope;
   * an environment passes its own in-process supervisor's.
   */
  probes?: (namespace: string, name: string) => Promise<ProbeReport>;
}

export interface LogsOptions {
  /** The instance before the last restart (kubectl logs --previous). */
  previous?: boolean;
  tail?: number;
  timestamps?: boolean;
}

export interface ExecOptions {
  /** Written to the command's stdin, which is then closed. */
  input?: string;
}

export async function removeConfigObjects(objects: CreatedConfigObject[]): Promise<void> {
  for (const object of objects) {
    try {
      if (object.kind === 'PersistentVolumeClaim') {
        await deleteClaimVolume(object.namespace, object.name);
      } else {
        const kind = object.kind === 'ConfigMap' ? 'configmap' : 'secret';
        await deleteConfigObject(kind, object.namespace, object.name);
      }
    } catch (error) {
      // Still mounted by a pod someone else started: it is theirs to remove now.
      if (!isConflict(error)) throw error;
    }
  }
}

export class PodHandle implements AsyncDisposable {
  readonly namespace: string;
  /** The pod's name as created (with the name suffix). */
  readonly name: string;
  readonly uid: string;
  /** The pod IP on the namespace network (reachable from other pods, not always from the host). */
  readonly ip: string;
  /** The pause container: owner of the pod's network, IPC (and PID) namespaces. */
  readonly sandboxId: string;
  /** The io.podrun.owner session, when the reaper guards this pod. */
  readonly owner: string | undefined;
  private readonly ports: PublishedPorts;
  private readonly timeoutMs: number;
  private readonly gracePeriodSeconds: number | undefined;
  private readonly configObjects: CreatedConfigObject[];
  private readonly probes: ((namespace: string, name: string) => Promise<ProbeReport>) | undefined;
  private deleted: Promise<void> | undefined;

  constructor(init: PodHandleInit) {
    this.namespace = init.namespace;
    this.name = init.name;
    this.uid = init.uid;
    this.ip = init.ip;
    this.sandboxId = init.sandboxId;
    this.owner = init.owner;
    this.ports = init.ports;
    this.timeoutMs = init.timeoutMs;
    this.gracePeriodSeconds = init.gracePeriodSeconds;
    this.configObjects = init.configObjects ?? [];
    this.probes = init.probes;
  }

  /** The pod as Docker holds it now (containers of every attempt, joiners included). */
  async record(): Promise<PodRecord> {
    const record = await findPodRecord(this.namespace, this.name);
    if (!record) throw new PodNotFoundError(this.namespace, this.name);
    return record;
  }

  /**
   * Where the host reaches `containerPort` of this pod: the port is published on the
   * pause container, so any container of the pod listening on it answers, joined
   * (testcontainers) containers included. `container` only checks the declaration.
   */
  hostPort(containerPort: number, container?: string, protocol = 'TCP'): HostPort {
    const published = this.ports.get(portKey(containerPort, protocol));
    if (!published) {
      const known = [...this.ports.keys()].join(', ') || 'none';
      const where = container ? ` (container ${container})` : '';
      throw new Error(
        `port ${containerPort}/${protocol} of pod ${this.name}${where} is not published (published: ${known}); declare it as a containerPort with publishPorts on, or pass publish: [${containerPort}]`,
      );
    }
    return { ...published };
  }

  /** Every published port: `${containerPort}/${protocol}` → host and port. */
  publishedPorts(): ReadonlyMap<string, HostPort> {
    return new Map(this.ports);
  }

  /** `http://host:port/path` for a published containerPort. */
  url(containerPort: number, path = '/'): string {
    const { host, port } = this.hostPort(containerPort);
    const shown = host.includes(':') ? `[${host}]` : host;
    return `http://${shown}:${port}${path.startsWith('/') ? path : `/${path}`}`;
  }

  /** The current Docker container of a container (spec or joined); its default container without a name. */
  async containerId(container?: string, previous = false): Promise<string> {
    return this.instance(await this.record(), container, previous).Id;
  }

  private instance(record: PodRecord, container?: string, previous = false): Docker.ContainerInfo {
    return containerInstance(record, container ?? defaultContainerName(record), previous);
  }

  /** Run a command (an argv array, or a string for `sh -c`) and collect its result. */
  async exec(
    container: string,
    command: string | readonly string[],
    options: ExecOptions = {},
  ): Promise<ExecResult> {
    const argv = typeof command === 'string' ? ['sh', '-c', command] : [...command];
    return containerExecCollect(await this.record(), container, argv, options.input);
  }

  /**
   * The container's log so far as `kubectl logs` prints it: stdout and stderr merged
   * in the order the engine recorded the writes (`timestamps` shows that order).
   */
  async logs(container: string, options: LogsOptions = {}): Promise<string> {
    const chunks: Buffer[] = [];
    // Collects as each frame is written, so nothing is still in flight when the call returns.
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(Buffer.from(chunk));
        callback();
      },
    });
    const { previous, tail, timestamps } = options;
    await containerLogs(await this.record(), container, { previous, tail, timestamps }, sink);
    return Buffer.concat(chunks).toString('utf8');
  }

  /** The pod's events so far (Created, Started, Killing, Died...), oldest first. */
  async events(): Promise<PodEvent[]> {
    const record = await this.record();
    return podEvents(record, { live: await liveEvents(this.namespace, this.name) });
  }

  async status(): Promise<PodStatusSummary> {
    const record = await this.record();
    return podStatus(record, await this.probes?.(this.namespace, this.name));
  }

  /** Wait until every container is ready (or the pod Succeeded). */
  async waitReady(timeoutMs = this.timeoutMs): Promise<void> {
    await waitForPod(this.namespace, this.name, {
      timeoutMs,
      probes: this.probes ?? supervisorProbes,
    });
  }

  /**
   * Restart one container as the kubelet does (a fresh container from the same spec,
   * same volumes and namespaces), then wait for the pod to be ready again.
   */
  async restart(container: string, options: { wait?: boolean } = {}): Promise<void> {
    await restartPodContainer(await this.record(), container, this.gracePeriodSeconds);
    if (options.wait ?? true) await this.waitReady();
  }

  /** Remove the pod and what its start created; safe to call more than once. */
  delete(options: { gracePeriodSeconds?: number } = {}): Promise<void> {
    this.deleted ??= this.remove(options.gracePeriodSeconds ?? this.gracePeriodSeconds);
    return this.deleted;
  }

  private async remove(grace: number | undefined): Promise<void> {
    const record = await findPodRecord(this.namespace, this.name);
    if (record && record.uid === this.uid) await deletePodRecord(record, grace);
    await removeConfigObjects(this.configObjects);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.delete();
  }
}
