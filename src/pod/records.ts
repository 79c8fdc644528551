// Read pods back from Docker. Labels are the only state: a pod is the set of podrun
// containers sharing the io.podrun.namespace and io.podrun.pod labels; the sandbox
// carries the pod as applied.
import type Docker from 'dockerode';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { inspectContainer, listPodrunContainers } from '../docker/containers.js';
import { Labels } from '../plan/labels.js';
import { namespaceNetworkName } from '../plan/names.js';
import { INTENT_LABEL, isLiveIntent } from './lifecycle/intents.js';
import {
  EVENTS_STORE,
  LifecycleLabels,
  TERMINATING_MARKER,
  TerminatingLabels,
} from './lifecycle/labels.js';

export interface PodRecord {
  namespace: string;
  name: string;
  uid: string;
  specHash: string;
  owner?: string;
  /** The pod as applied (from the sandbox label); undefined if the sandbox is gone. */
  pod?: Pod;
  /** The newest sandbox container. */
  sandbox?: Docker.ContainerInfo;
  /** Init and app containers, every attempt, newest first. */
  containers: Docker.ContainerInfo[];
  /** Every container of the pod, sandbox included. */
  all: Docker.ContainerInfo[];
  createdAt: Date;
  /** A deletion is under way (the TERMINATING marker exists): nobody restarts anything. */
  terminating?: boolean;
  /** A live re-apply is replacing it (its REPLACING intent stands, lifecycle/intents.ts). */
  replacing?: boolean;
  /** The process deleting it, from the TERMINATING marker (absent on an older marker). */
  terminatingBy?: { pid: number; host: string; markerId: string };
  /** The pod's event store (a container that never runs), once an event was recorded. */
  eventStore?: Docker.ContainerInfo;
  /** Inspect results of the pod's containers, when asked for (withDetails). */
  inspected?: Map<string, Docker.ContainerInspectInfo>;
}

export interface PodSelector {
  namespace?: string;
  name?: string;
}

function attemptOf(info: Docker.ContainerInfo): number {
  return Number(info.Labels[Labels.attempt] ?? 0);
}

export async function listPodRecords(selector: PodSelector = {}): Promise<PodRecord[]> {
  const containers = await listPodrunContainers({
    [Labels.namespace]: selector.namespace,
    [Labels.pod]: selector.name,
  });
  return groupPodRecords(containers);
}

/** The pod IP: the sandbox's address on its namespace network ('' when none). */
export function podIPOf(record: PodRecord): string {
  const networks = record.sandbox?.NetworkSettings?.Networks ?? {};
  return networks[namespaceNetworkName(record.namespace)]?.IPAddress ?? '';
}

/** The pod's creation time: from its manifest (set at apply), else its oldest container. */
function createdAtOf(manifest: string | undefined, group: Docker.ContainerInfo[]): Date {
  const stamp = manifest ? (JSON.parse(manifest) as Pod).metadata?.creationTimestamp : undefined;
  const parsed = stamp ? Date.parse(stamp) : Number.NaN;
  if (!Number.isNaN(parsed)) return new Date(parsed);
  return new Date(Math.min(...group.map((info) => info.Created)) * 1000);
}

export function groupPodRecords(containers: Docker.ContainerInfo[]): PodRecord[] {
  const groups = new Map<string, Docker.ContainerInfo[]>();
  for (const info of containers) {
    const namespace = info.Labels[Labels.namespace];
    const name = info.Labels[Labels.pod];
    if (!namespace || !name) continue;
    const key = `${namespace}/${name}`;
    const group = groups.get(key) ?? [];
    group.push(info);
    groups.set(key, group);
  }
  const records: PodRecord[] = [];
  for (const everything of groups.values()) {
    const marker = everything.find((info) => info.Labels[Labels.container] === TERMINATING_MARKER);
    const store = everything.find((info) => info.Labels[Labels.container] === EVENTS_STORE);
    // An event store alone is no pod (its pod was deleted while an event was in
    // flight): it must not make the pod reappear. Its writer removes it.
    if (store && everything.length === 1) continue;
    // Nor are a live deleter's requests alone (lifecycle/intents.ts). A re-apply's
    // REPLACING intent alone is listed (between deleting the old version and making
    // the new one): a delete finds the pod it is about to make. A dead holder's
    // intents are listed too, so delete can finish them.
    const replacing = everything.some(
      (info) => info.Labels[INTENT_LABEL] === 'replacing' && isLiveIntent(info),
    );
    if (!replacing && everything.every((info) => info === store || isLiveIntent(info))) continue;
    // Markers and the event store are no instances of the pod's containers (nor is
    // an older podrun's STARTING marker).
    const group = everything.filter((info) => info.Labels[Labels.role] !== 'marker');
    group.sort((a, b) => attemptOf(b) - attemptOf(a) || b.Created - a.Created);
    const sandbox = group.find((info) => info.Labels[Labels.role] === 'sandbox');
    // A pod may be nothing but a marker (a deletion was cut short): it is still
    // listed, so get shows it and delete can finish it.
    const first = sandbox ?? group[0] ?? marker ?? everything[0]!;
    // Every container carries the manifest, so a pod whose sandbox was removed can be rebuilt.
    const manifest =
      sandbox?.Labels[Labels.podManifest] ??
      group.find((info) => info.Labels[Labels.podManifest])?.Labels[Labels.podManifest];
    records.push({
      namespace: first.Labels[Labels.namespace]!,
      name: first.Labels[Labels.pod]!,
      uid: first.Labels[Labels.podUid] ?? '',
      specHash: sandbox?.Labels[Labels.specHash] ?? '',
      owner: first.Labels[Labels.owner],
      pod: manifest ? (JSON.parse(manifest) as Pod) : undefined,
      sandbox,
      containers: group.filter((info) => info.Labels[Labels.role] !== 'sandbox'),
      all: [...group, ...everything.filter((info) => !group.includes(info))],
      eventStore: store,
      terminating: marker !== undefined,
      replacing,
      terminatingBy: marker && {
        pid: Number(marker.Labels[TerminatingLabels.pid] ?? 0),
        host: marker.Labels[TerminatingLabels.host] ?? '',
        markerId: marker.Id,
      },
      createdAt: createdAtOf(manifest, group.length > 0 ? group : everything),
    });
  }
  records.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return records;
}

export async function findPodRecord(
  namespace: string,
  name: string,
): Promise<PodRecord | undefined> {
  const [record] = await listPodRecords({ namespace, name });
  return record;
}

/**
 * The record with inspect data of its newest sandbox and of the newest two
 * instances of each container (start/finish times, OOMKilled, last state).
 */
export async function withDetails(record: PodRecord): Promise<PodRecord> {
  const wanted: Docker.ContainerInfo[] = [];
  if (record.sandbox) wanted.push(record.sandbox);
  const seen = new Map<string, number>();
  for (const info of record.containers) {
    const key = `${info.Labels[Labels.role]}/${info.Labels[Labels.container]}`;
    const count = seen.get(key) ?? 0;
    if (count < 2) wanted.push(info);
    seen.set(key, count + 1);
  }
  const inspected = new Map<string, Docker.ContainerInspectInfo>();
  await Promise.all(
    wanted.map(async (info) => {
      const details = await inspectContainer(info.Id).catch(() => undefined);
      if (details) inspected.set(info.Id, details);
    }),
  );
  return { ...record, inspected };
}

/** Pods supervised in this scope (io.podrun.supervised=<scope>), optionally of one namespace. */
export async function listSupervisedRecords(
  scope: string,
  namespace?: string,
): Promise<PodRecord[]> {
  const containers = await listPodrunContainers({
    [Labels.namespace]: namespace,
    [LifecycleLabels.supervised]: scope,
  });
  return groupPodRecords(containers);
}
