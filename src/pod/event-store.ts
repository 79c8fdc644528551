// A pod's events where every podrun process can read them and a supervisor restart
// does not lose them: in the engine, in a container of the pod that never runs
// (podrun_<ns>_<pod>_EVENTS, role=marker), one JSON file per writing process under
// /events. A writer (the CLI's apply, `podrun up`, the supervisor, a library
// process) owns its file alone and rewrites it whole with its folded, bounded list,
// so concurrent writers never lose each other's updates; readers merge every file.
//
// Recording is synchronous and in memory; the engine is written off the critical
// path: a moment after the first event, then at most every few seconds (a pod
// probed every 2 s does not cost a write every 2 s; one container list serves every
// pod of a write), and at once on `flush()`, which a process calls before it exits.
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { getFiles, putFiles } from '../docker/archive.js';
import {
  createContainer,
  inspectContainer,
  listPodrunContainers,
  removeContainer,
} from '../docker/containers.js';
import { isConflict } from '../docker/errors.js';
import { log } from '../log.js';
import { Labels } from '../plan/labels.js';
import { containerDockerName } from '../plan/names.js';
import { mergeWriters, parseWriterFile, toStored, writerFile } from './event-merge.js';
import type { EventSink, PodEvent, WriterEvents } from './event-types.js';
import { EventLog } from './lifecycle/event-log.js';
import { EVENTS_STORE, TERMINATING_MARKER } from './lifecycle/labels.js';
import type { PodRecord } from './records.js';

/** Where the files live inside the store container. */
export const EVENTS_DIR = '/events';

let storesMade = 0;

/**
 * A writer's name: one file per store, so no two writers share one. A process may
 * hold more than one store (a library process with an in-process supervisor): the
 * second and later get a suffix.
 */
export function writerId(): string {
  storesMade += 1;
  const base = `${hostname()}-${process.pid}`;
  return storesMade === 1 ? base : `${base}-${storesMade}`;
}

/** Every store of this process: readers here see its events before the next write. */
const localStores = new Set<PodEventStore>();

let processStore: PodEventStore | undefined;

/**
 * The writer of this process's library calls (applyManifests, startPod, environments):
 * one per process, written a moment after each event, off the caller's path. Its
 * pending timer keeps the process alive until the write; flushEvents() writes now.
 */
export function processEventStore(): PodEventStore {
  processStore ??= new PodEventStore();
  return processStore;
}

/** Write every store of this process now (before a process.exit, say). */
export async function flushEvents(): Promise<void> {
  await Promise.all([...localStores].map((store) => store.flush()));
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}

/** First occurrences kept per pod for folded repeats (the memory keeps only the last time). */
const FIRST_SEEN_PER_POD = 500;

export class PodEventStore {
  readonly writer = writerId();
  private readonly dirty = new Set<string>();
  private readonly firstSeen = new Map<string, Map<string, Date>>();
  private timer: NodeJS.Timeout | undefined;
  private lastWrite = 0;
  private flushing: Promise<void> = Promise.resolve();

  /**
   * @param memory the events this process recorded (it folds repeats and scrubs
   *   secrets from messages); the store writes what it holds.
   * @param delayMs how long after an event the engine is written.
   * @param intervalMs the least time between two timed writes.
   */
  constructor(
    readonly memory: EventLog = new EventLog(),
    private readonly delayMs = 500,
    private readonly intervalMs = 5000,
  ) {
    localStores.add(this);
  }

  readonly sink: EventSink = (namespace, pod, event) => {
    this.memory.sink(namespace, pod, event);
    const key = `${namespace}/${pod}`;
    const seen = this.firstSeen.get(key) ?? new Map<string, Date>();
    const id = eventKey(event);
    if (!seen.has(id)) {
      if (seen.size >= FIRST_SEEN_PER_POD) seen.delete(seen.keys().next().value as string);
      seen.set(id, new Date());
    }
    this.firstSeen.set(key, seen);
    this.dirty.add(key);
    if (!this.timer) {
      const at = Math.max(Date.now() + this.delayMs, this.lastWrite + this.intervalMs);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, at - Date.now());
    }
  };

  /** This process's events of a pod, as its file will hold them (newer than the file). */
  live(namespace: string, pod: string): WriterEvents {
    return { writer: this.writer, events: this.eventsOf(namespace, pod).map(toStored) };
  }

  private eventsOf(namespace: string, pod: string): PodEvent[] {
    const seen = this.firstSeen.get(`${namespace}/${pod}`);
    return this.memory.events(namespace, pod).map((event) => {
      const first = (event.count ?? 1) > 1 ? seen?.get(eventKey(event)) : undefined;
      return first && first < event.time ? { ...event, firstTime: first } : event;
    });
  }

  /** The pods this process holds events of ("namespace/name"). */
  pods(): string[] {
    return [...this.firstSeen.keys()];
  }

  /**
   * Drop a pod's events from memory (its pod is gone), unless some are not written
   * yet: the next write of a dirty pod finds it gone and forgets it itself.
   */
  forgetWritten(key: string): void {
    if (this.dirty.has(key)) return;
    const [namespace, pod] = splitKey(key);
    this.forget(namespace, pod);
  }

  private forget(namespace: string, pod: string): void {
    this.memory.forget(namespace, pod);
    this.firstSeen.delete(`${namespace}/${pod}`);
  }

  /** Write every pod with new events now; resolves when the engine has them. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.flushing.then(async () => {
      const pods = [...this.dirty];
      this.dirty.clear();
      if (pods.length === 0) return;
      this.lastWrite = Date.now();
      const everything = await listPodrunContainers().catch(() => undefined);
      await Promise.all(
        pods.map(async (key) => {
          const [namespace, pod] = splitKey(key);
          try {
            const containers = everything?.filter(
              (info) =>
                info.Labels[Labels.namespace] === namespace && info.Labels[Labels.pod] === pod,
            );
            await this.writePod(namespace, pod, containers);
          } catch (error) {
            // Events are diagnostics: a failed write never fails what recorded them.
            log().debug({ err: error }, `events of pod ${key} not stored`);
          }
        }),
      );
    });
    this.flushing = next;
    return next;
  }

  private async writePod(
    namespace: string,
    pod: string,
    containers?: Docker.ContainerInfo[],
  ): Promise<void> {
    const state = stateOf(containers ?? (await podContainers(namespace, pod)));
    // A deletion is under way: it removes the store; writing would only race it.
    if (state.terminating) return this.forget(namespace, pod);
    if (!state.member) {
      // The pod is gone (deleted, or its first run rolled back): a store we or
      // another writer made in the meantime goes too, so no pod reappears.
      if (state.store) await removeContainer(state.store.Id);
      return this.forget(namespace, pod);
    }
    const uid = state.member.Labels[Labels.podUid];
    const id = state.store?.Id ?? (await createStore(namespace, pod, state.member));
    if (!id) return this.forget(namespace, pod);
    const file = writerFile(this.writer, uid, this.eventsOf(namespace, pod), Date.now());
    await putFiles(id, EVENTS_DIR, [
      {
        path: `${this.writer}.json`,
        mode: 0o644,
        contentBase64: Buffer.from(JSON.stringify(file)).toString('base64'),
      },
    ]);
  }
}

interface PodState {
  /** A container of the pod proper (sandbox first), if any is left. */
  member?: Docker.ContainerInfo;
  store?: Docker.ContainerInfo;
  terminating: boolean;
}

function eventKey(event: Omit<PodEvent, 'time'>): string {
  return JSON.stringify([event.type, event.reason, event.object, event.message]);
}

function podContainers(namespace: string, pod: string): Promise<Docker.ContainerInfo[]> {
  return listPodrunContainers({ [Labels.namespace]: namespace, [Labels.pod]: pod });
}

function stateOf(containers: Docker.ContainerInfo[]): PodState {
  const members = containers.filter((info) => info.Labels[Labels.role] !== 'marker');
  return {
    member: members.find((info) => info.Labels[Labels.role] === 'sandbox') ?? members[0],
    store: containers.find((info) => info.Labels[Labels.container] === EVENTS_STORE),
    terminating: containers.some((info) => info.Labels[Labels.container] === TERMINATING_MARKER),
  };
}

/** Create the pod's store (or find the one another writer just made); undefined if the pod went. */
async function createStore(
  namespace: string,
  pod: string,
  member: Docker.ContainerInfo,
): Promise<string | undefined> {
  const name = containerDockerName(namespace, pod, EVENTS_STORE);
  const owner = member.Labels[Labels.owner];
  const uid = member.Labels[Labels.podUid];
  let id: string;
  try {
    id = await createContainer({
      name,
      Image: member.Image,
      Entrypoint: ['podrun-events-store'],
      Labels: {
        [Labels.managed]: 'true',
        [Labels.role]: 'marker',
        [Labels.namespace]: namespace,
        [Labels.pod]: pod,
        [Labels.container]: EVENTS_STORE,
        ...(uid ? { [Labels.podUid]: uid } : {}),
        // The library's reaper removes what its process left by this label.
        ...(owner ? { [Labels.owner]: owner } : {}),
      },
      HostConfig: { NetworkMode: 'none' },
    });
  } catch (error) {
    if (!isConflict(error)) throw error;
    return (await inspectContainer(name))?.Id;
  }
  // A deletion may have begun (or ended) between the look and the create: check
  // again after it, and take the store back out if the pod is going or gone.
  const after = stateOf(await podContainers(namespace, pod));
  if (after.terminating || !after.member) {
    await removeContainer(id);
    return undefined;
  }
  return id;
}

/**
 * After a pod's containers were removed without a deletion marker (a rolled-back
 * first run): remove a store a writer made meanwhile. A writer that creates one after
 * this finds no member in its check after the create and removes it itself.
 */
export async function removeStoreOfGonePod(namespace: string, pod: string): Promise<void> {
  const state = stateOf(await podContainers(namespace, pod));
  if (!state.member && state.store) await removeContainer(state.store.Id);
}

/** The writers' files of a pod's store (none when it has no store yet). */
export async function readEventStore(record: PodRecord): Promise<WriterEvents[]> {
  if (!record.eventStore) return [];
  const files = await getFiles(record.eventStore.Id, EVENTS_DIR);
  const lists: WriterEvents[] = [];
  for (const [path, content] of files) {
    if (!path.endsWith('.json')) continue;
    const parsed = parseWriterFile(content.toString('utf8'));
    if (parsed) lists.push(parsed);
  }
  return lists;
}

/** A pod's stored events merged with live lists (processes whose files may lag). */
export async function storedPodEvents(
  record: PodRecord,
  live: WriterEvents[] = [],
): Promise<PodEvent[]> {
  // This process's own stores are newer than their files; a caller's list wins.
  const callers = new Set(live.map((list) => list.writer));
  const local = [...localStores]
    .filter((store) => !callers.has(store.writer))
    .map((store) => store.live(record.namespace, record.name));
  return mergeWriters(
    await readEventStore(record),
    [...local, ...live],
    record.uid || undefined,
    Date.now(),
  );
}
