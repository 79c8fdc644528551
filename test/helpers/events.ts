// The engine's own record of what happened to a namespace's containers: Docker
// events (kill with its signal, die with its exit code, start), with the engine's
// nanosecond timestamps. Tests use them for ordering and for "not before" bounds,
// never for wall-clock upper bounds.
import { Labels } from '../../src/plan/labels.js';
import { engineEvents } from './engine.js';

export interface ContainerEvent {
  action: string;
  /** Docker container name without the leading slash. */
  name: string;
  /** The podrun container name part (label io.podrun.container), e.g. "app" or "POD". */
  container: string;
  attributes: Record<string, string>;
  /** Engine time in ms (from timeNano, sub-ms precision kept). */
  at: number;
}

/** Container events of `namespace` between two moments (ms epoch). */
export async function namespaceEvents(
  namespace: string,
  since: number,
  until: number = Date.now(),
): Promise<ContainerEvent[]> {
  const events = (await engineEvents(since, until, {
    type: ['container'],
    label: [`${Labels.namespace}=${namespace}`],
  })) as Array<{ Action: string; timeNano: number; Actor: { Attributes: Record<string, string> } }>;
  return events.map((event) => {
    const attributes = event.Actor.Attributes;
    return {
      action: event.Action,
      name: attributes.name ?? '',
      container: attributes[Labels.container] ?? '',
      attributes,
      at: event.timeNano / 1e6,
    };
  });
}
