// A pod's events where every podrun process can read them and a supervisor restart
// does not lose them: in the engine, in a container of the pod that never runs
// (podrun_<ns>_<pod>_EVENTS, role=marker), one JSON file per writing process under
// /events. A writer (the CLI's apply, `podrun up`, the supervisor, a library
// process) owns its file alone and rewrites it whole with its folded, bounded list,
// so concurrent writers never lose each other's updates; readers merge every file.
//
// Recording is synchronous and in memory; the engine is written off the critical
// path, a moment later (debounced), and `flush()` before a process exits.
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

/** This process as a writer: one file per process, so no two writers share one. */
export function writerId(): string {
  return `${hostname()}-${process.pid}`;
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}

export class PodEventStore {
  readonly writer = writerId();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  /**
   * @param memory the events this process recorded (it folds repeats and scrubs
   *   secrets from messages); the store writes what it holds.
   * @param delayMs how long after an event the engine is written.
   */
  constructor(
    readonly memory: EventLog = new EventLog(),
    private readonly delayMs = 500,
  ) {}

  readonly sink: EventSink = (namespace, pod, event) => {
    this.memory.sink(namespace, pod, event);
    this.dirty.add(`${namespace}/${pod}`);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.delayMs);
    }
  };

  /** This process's events of a pod, as its file will hold them (newer than the file). */
  live(namespace: string, pod: string): WriterEvents {
    return {
      writer: this.writer,
      events: this.memory.events(namespace, pod).map(toStored),
    };
  }

  /** Write every pod with new events now; resolves when the engine has them. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.flushing.then(async () => {
      const pods = [...this.dirty];
      this.dirty.clear();
      await Promise.all(
        pods.map(async (key) => {
          const [namespace, pod] = splitKey(key);
          try {
            await this.writePod(namespace, pod);
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

  private async writePod(namespace: string, pod: string): Promise<void> {
    const state = await podState(namespace, pod);
    // A deletion is under way: it removes the store; writing would only race it.
    if (state.terminating) return this.memory.forget(namespace, pod);
    if (!state.member) {
      // The pod is gone (deleted, or its first run rolled back): a store we or
      // another writer made in the meantime goes too, so no pod reappears.
      if (state.store) await removeContainer(state.store.Id);
      return this.memory.forget(namespace, pod);
    }
    const uid = state.member.Labels[Labels.podUid];
    const id = state.store?.Id ?? (await createStore(namespace, pod, state.member));
    if (!id) return this.memory.forget(namespace, pod);
    const file = writerFile(this.writer, uid, this.memory.events(namespace, pod), Date.now());
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

async function podState(namespace: string, pod: string): Promise<PodState> {
  const containers = await listPodrunContainers({
    [Labels.namespace]: namespace,
    [Labels.pod]: pod,
  });
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
  const after = await podState(namespace, pod);
  if (after.terminating || !after.member) {
    await removeContainer(id);
    return undefined;
  }
  return id;
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
  return mergeWriters(await readEventStore(record), live, record.uid || undefined, Date.now());
}
