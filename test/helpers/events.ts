// The engine's own record of what happened to a namespace's containers: Docker
// events (kill with its signal, die with its exit code, start), with the engine's
// nanosecond timestamps. Tests use them for ordering and for "not before" bounds,
// never for wall-clock upper bounds.
import { getDocker } from '../../src/docker/client.js';
import { Labels } from '../../src/plan/labels.js';

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
  const docker = await getDocker();
  const stream = (await docker.getEvents({
    since: Math.floor(since / 1000),
    until: Math.ceil(until / 1000),
    filters: { type: ['container'], label: [`${Labels.namespace}=${namespace}`] },
  })) as NodeJS.ReadableStream;
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const event = JSON.parse(line) as {
        Action: string;
        timeNano: number;
        Actor: { Attributes: Record<string, string> };
      };
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
