// The library process's own event writer: the first run of every pod it starts
// records its events (Created, Started, FailedPostStartHook ...) here, and they are
// written to each pod's event store a moment later (pod/event-store.ts).

import { PodEventStore } from '../pod/event-store.js';
import type { WriterEvents } from '../pod/event-types.js';
import { supervisorEvents } from '../supervisor/client.js';

let store: PodEventStore | undefined;

export function libraryEvents(): PodEventStore {
  store ??= new PodEventStore();
  return store;
}

/** Events of a pod not yet in its store: this process's and its supervisor's. */
export async function liveEvents(namespace: string, name: string): Promise<WriterEvents[]> {
  const own = store ? [store.live(namespace, name)] : [];
  return [...own, ...(await supervisorEvents(namespace, name))];
}
