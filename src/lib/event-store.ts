// Events of a pod as the library reads them: what its pod store holds is merged by
// the caller; this adds what is not written yet, this process's own (the library's
// writer, pod/event-store.ts processEventStore) and its supervisor's.

import { processEventStore } from '../pod/event-store.js';
import type { WriterEvents } from '../pod/event-types.js';
import { supervisorEvents } from '../supervisor/client.js';

/** Events of a pod not yet in its store: this process's and its supervisor's. */
export async function liveEvents(namespace: string, name: string): Promise<WriterEvents[]> {
  return [processEventStore().live(namespace, name), ...(await supervisorEvents(namespace, name))];
}
