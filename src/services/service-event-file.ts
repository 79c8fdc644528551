// A Service's events file in its proxy container (service-events.ts says what goes
// in it): read with one get_archive, written with one put_archive. Events are
// diagnostics: a failed read is no events, a failed write fails nothing.
import { readFile, tarOf } from '../docker/archive.js';
import { engine } from '../docker/engine.js';
import { log } from '../log.js';
import {
  foldServiceEvents,
  parseServiceEvents,
  SERVICE_EVENTS_PATH,
  type ServiceEvent,
  serializeServiceEvents,
} from './service-events.js';

export async function readServiceEvents(containerId: string): Promise<ServiceEvent[]> {
  try {
    return parseServiceEvents(await readFile(containerId, SERVICE_EVENTS_PATH));
  } catch {
    return [];
  }
}

/** Write `carried` plus `added` (folded) into the proxy; nothing at all when both are empty. */
export async function recordServiceEvents(
  containerId: string,
  carried: readonly ServiceEvent[],
  added: readonly ServiceEvent[],
): Promise<void> {
  if (carried.length === 0 && added.length === 0) return;
  const text = serializeServiceEvents(foldServiceEvents(carried, added));
  try {
    const tar = await tarOf([
      {
        path: SERVICE_EVENTS_PATH.replace(/^\//, ''),
        contentBase64: Buffer.from(text).toString('base64'),
        mode: 0o644,
      },
    ]);
    await engine().putArchive(containerId, tar, { path: '/' });
  } catch (error) {
    log().debug({ err: error }, `service events not stored: ${(error as Error).message}`);
  }
}
