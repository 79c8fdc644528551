// The engine's event stream (container create, start, die ...), as JSON lines.
import { type EventsQuery, engine } from './engine.js';

/**
 * Engine events matching the filters: with `until` the stream ends after the events
 * up to then; without it, it stays open and carries new events as they happen.
 */
export function engineEventStream(query: EventsQuery): Promise<NodeJS.ReadableStream> {
  return engine().events(query);
}
