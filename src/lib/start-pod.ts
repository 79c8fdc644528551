// Start pods as test fixtures: load the manifest, give every object a unique name
// suffix, apply with the owner label (reaper) and random host ports, wait until the
// pods are ready, and hand back handles that delete everything on dispose. A start
// that fails halfway (not ready in time, a hopeless pod) removes what it created.

import { log } from '../log.js';
import type { ValidationMode } from '../manifest/types.js';
import type { ApplyResult } from '../pod/apply.js';
import { deletePodRecord } from '../pod/delete-pod.js';
import { processEventStore } from '../pod/event-store.js';
import { findPodRecord, withDetails } from '../pod/records.js';
import { findServiceRecord, type ServiceRecord } from '../pod/service-records.js';
import { waitForPod } from '../pod/wait.js';
import { applyBundle } from '../services/apply-bundle.js';
import { deleteServiceRecord } from '../services/delete-service.js';
import { EndpointsLoop } from '../services/endpoints-loop.js';
import { supervisorNamespaceProbes, supervisorProbes } from '../supervisor/client.js';
import { type CreatedConfigObject, PodHandle, removeConfigObjects } from './pod-handle.js';
import { publishedPortsOf } from './published-ports.js';
import { ensureReaper } from './reaper.js';
import { ownerSession } from './session.js';
import {
  loadSource,
  type PodSource,
  type PublishedPortRequest,
  randomSuffix,
  withExtraPorts,
  withNameSuffix,
  withRandomHostPorts,
} from './sources.js';

export const DEFAULT_START_TIMEOUT_MS = 60_000;

/** What startPod and startManifests take alike. */
export interface LibraryStartOptions {
  /** Schema checks as kubectl's --validate. Default "strict". */
  validate?: ValidationMode;
  /** Guard what is started with the reaper (removed when this process dies). Default true. */
  reaper?: boolean;
  pauseImage?: string;
  signal?: AbortSignal;
  /** Progress lines (image pulls). */
  onProgress?: (line: string) => void;
}

export interface StartPodOptions extends LibraryStartOptions {
  /** Namespace for objects that name none. Default "default". */
  namespace?: string;
  /**
   * Appended to the name of every object of the manifest (pods, claims, configMaps,
   * secrets; references follow), so parallel tests applying one manifest never
   * collide. Default true: a random "-xxxxxx"; false keeps the names as written.
   */
  nameSuffix?: boolean | string;
  /** Wait until every pod is Ready (or Succeeded). Default true. */
  wait?: boolean;
  /** How long starting, waiting and restarts may take. Default 60 s. */
  timeoutMs?: number;
  /** Publish every containerPort on a random free host port (read with hostPort). Default true. */
  publishPorts?: boolean;
  /**
   * Replace the manifest's fixed hostPorts by random free ones too, so parallel
   * tests never fight over a host port. Default true; false keeps them as written.
   */
  randomHostPorts?: boolean;
  /**
   * More container ports to publish on the pause container, for containers joined
   * later (testcontainers joiners cannot publish ports themselves).
   */
  publish?: ReadonlyArray<number | PublishedPortRequest>;
  /** Grace period for delete and restart; default the pod's terminationGracePeriodSeconds. */
  gracePeriodSeconds?: number;
}

/**
 * Library Services' endpoints: one in-process loop for every group of this process,
 * running while any group holds Services (library pods have no supervisor).
 */
const endpointsLoop = new EndpointsLoop({ probes: supervisorNamespaceProbes });

/** Several pods (and Services) started from one manifest; disposing it removes them all. */
export class PodGroup implements AsyncDisposable {
  constructor(
    readonly pods: readonly PodHandle[],
    private readonly configObjects: CreatedConfigObject[],
    private readonly suffix = '',
    /** The manifest's Services as created (names with the suffix). */
    readonly services: readonly ServiceRecord[] = [],
  ) {}

  /** The Service named `name` in the manifest (without the suffix) or as created. */
  service(name: string): ServiceRecord {
    const found =
      this.services.find((service) => service.name === name) ??
      this.services.find((service) => service.name === `${name}${this.suffix}`);
    if (!found) {
      throw new Error(
        `no service ${name} here (services: ${this.services.map((s) => s.name).join(', ') || 'none'})`,
      );
    }
    return found;
  }

  /**
   * The host port (on 127.0.0.1) that serves Service `name`'s port `port` (a
   * LoadBalancer's or NodePort's; the engine chose it). With both, the first one.
   */
  serviceHostPort(name: string, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): number {
    const service = this.service(name);
    const found = service.hostPorts.find((h) => h.port === port && h.protocol === protocol);
    if (!found) {
      throw new Error(
        `service ${service.name} publishes no host port for ${port}/${protocol} (only LoadBalancer and NodePort Services do)`,
      );
    }
    return found.hostPort;
  }

  /** The pod named `name` in the manifest (without the suffix) or as created. */
  get(name: string): PodHandle {
    const found =
      this.pods.find((pod) => pod.name === name) ??
      this.pods.find((pod) => pod.name === `${name}${this.suffix}`);
    if (!found) {
      throw new Error(`no pod ${name} here (pods: ${this.pods.map((p) => p.name).join(', ')})`);
    }
    return found;
  }

  async delete(): Promise<void> {
    endpointsLoop.remove(this.services);
    if (endpointsLoop.size === 0) await endpointsLoop.stop();
    const results = await Promise.allSettled([
      ...this.pods.map((pod) => pod.delete()),
      ...this.services.map((service) => deleteServiceRecord(service)),
    ]);
    await removeConfigObjects(this.configObjects);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.delete();
  }
}

function configObjectsOf(results: ApplyResult[]): CreatedConfigObject[] {
  return results.flatMap((result) =>
    (result.kind === 'ConfigMap' ||
      result.kind === 'Secret' ||
      result.kind === 'PersistentVolumeClaim') &&
    result.action === 'created'
      ? [{ kind: result.kind, namespace: result.namespace, name: result.name }]
      : [],
  );
}

async function handleFor(
  result: ApplyResult,
  options: StartPodOptions,
  owner: string | undefined,
  configObjects: CreatedConfigObject[] = [],
): Promise<PodHandle> {
  const started = result.started;
  const record = await findPodRecord(result.namespace, result.name);
  const sandboxId = started?.sandboxId ?? record?.sandbox?.Id ?? '';
  return new PodHandle({
    namespace: result.namespace,
    name: result.name,
    uid: record?.uid ?? result.plan?.uid ?? '',
    ip: started?.podIP ?? '',
    sandboxId,
    owner,
    // withDetails inspects the sandbox: its port bindings name the chosen host ports.
    ports: publishedPortsOf(record && (await withDetails(record)).inspected?.get(sandboxId)),
    timeoutMs: options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS,
    gracePeriodSeconds: options.gracePeriodSeconds,
    configObjects,
  });
}

async function start(
  source: PodSource,
  options: StartPodOptions,
  single: boolean,
): Promise<PodGroup> {
  const namespace = options.namespace ?? 'default';
  let set = await loadSource(source, { namespace, validate: options.validate ?? 'strict' });
  if (set.pods.length === 0 && (single || set.services.length === 0)) {
    throw new Error('the manifest holds no Pod');
  }
  if (single && set.services.length > 0) {
    throw new Error('startPod returns one pod handle; use startPods for a manifest with Services');
  }
  if (single && set.pods.length > 1) {
    throw new Error(
      `startPod needs a manifest with one Pod, this one has ${set.pods.length}; use startPods`,
    );
  }
  const suffix =
    options.nameSuffix === false
      ? ''
      : typeof options.nameSuffix === 'string'
        ? options.nameSuffix
        : randomSuffix();
  set = withExtraPorts(withNameSuffix(set, suffix), options.publish ?? []);
  const publishPorts = options.publishPorts ?? true;
  if (publishPorts && (options.randomHostPorts ?? true)) set = withRandomHostPorts(set);
  for (const { object } of set.pods) {
    const ns = object.metadata?.namespace ?? namespace;
    const name = object.metadata?.name ?? '';
    if (await findPodRecord(ns, name)) {
      throw new Error(`pod ${name} already exists in namespace ${ns}; use a nameSuffix`);
    }
  }

  const owner = options.reaper === false ? undefined : ownerSession();
  if (owner) await ensureReaper(owner);
  const results = await applyBundle(set, {
    owner,
    publishAllPorts: publishPorts,
    // As publishAllPorts for pods: parallel tests never fight over 127.0.0.1:80.
    randomServiceHostPorts: true,
    probes: supervisorNamespaceProbes,
    onWarning: (line) => log().warn(line),
    pauseImage: options.pauseImage,
    signal: options.signal,
    onProgress: options.onProgress,
    events: processEventStore().sink,
  });
  const configObjects = configObjectsOf(results);
  const podResults = results.filter((result) => result.kind === 'Pod');
  const services: ServiceRecord[] = [];
  const pods: PodHandle[] = [];
  // One pod owns the start's ConfigMaps, Secrets and claims; a group removes them itself.
  const group = new PodGroup(pods, single ? [] : configObjects, suffix, services);
  try {
    for (const result of results.filter((r) => r.kind === 'Service')) {
      const record = await findServiceRecord(result.namespace, result.name);
      if (record) services.push(record);
    }
    endpointsLoop.add(services);
    for (const result of podResults) {
      pods.push(await handleFor(result, options, owner, single ? configObjects : []));
    }
    if (options.wait ?? true) {
      const timeoutMs = options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;
      await Promise.all(
        pods.map((pod) =>
          waitForPod(pod.namespace, pod.name, {
            timeoutMs,
            signal: options.signal,
            probes: supervisorProbes,
          }),
        ),
      );
    }
  } catch (error) {
    endpointsLoop.remove(services);
    await Promise.all(services.map((service) => deleteServiceRecord(service).catch(() => {})));
    await cleanUpFailedStart(podResults, pods, configObjects);
    throw error;
  }
  return group;
}

async function cleanUpFailedStart(
  podResults: ApplyResult[],
  pods: PodHandle[],
  configObjects: CreatedConfigObject[],
): Promise<void> {
  try {
    const named = new Set(pods.map((pod) => pod.name));
    await Promise.all(pods.map((pod) => pod.delete()));
    for (const result of podResults) {
      if (named.has(result.name)) continue;
      const record = await findPodRecord(result.namespace, result.name);
      if (record) await deletePodRecord(record);
    }
    await removeConfigObjects(configObjects);
  } catch (error) {
    // The reaper removes whatever is left when this process ends.
    log().warn(`cleanup after a failed start: ${(error as Error).message}`);
  }
}

/** Start every pod of a manifest (with its ConfigMaps, Secrets and claims). */
export function startPods(source: PodSource, options: StartPodOptions = {}): Promise<PodGroup> {
  return start(source, options, false);
}

/** Start the one pod of a manifest; its handle removes the pod and its objects on dispose. */
export async function startPod(
  source: PodSource,
  options: StartPodOptions = {},
): Promise<PodHandle> {
  const group = await start(source, options, true);
  return group.pods[0]!;
}
