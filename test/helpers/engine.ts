// Raw-engine helpers for tests that work below the pod layer (pause image, image
// pulls and builds). Everything created is labelled io.podrun.test=<suite> so a leak
// check can find it (`docker ps -a --filter label=io.podrun.test`), and tracked so
// afterEach removes it.
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { getDocker } from '../../src/docker/client.js';

export const TEST_LABEL = 'io.podrun.test';

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export class EngineTracker {
  private readonly containers = new Set<string>();
  private readonly images = new Set<string>();

  constructor(readonly suite: string) {}

  get labels(): Record<string, string> {
    return { [TEST_LABEL]: this.suite };
  }

  /** Create and start a labelled container; removed by cleanup(). */
  async run(options: Docker.ContainerCreateOptions): Promise<Docker.Container> {
    const docker = await getDocker();
    const container = await docker.createContainer({
      ...options,
      Labels: { ...options.Labels, ...this.labels },
    });
    this.containers.add(container.id);
    await container.start();
    return container;
  }

  /** Remember an image (tag or id) to remove in cleanup(). */
  trackImage(ref: string): void {
    this.images.add(ref);
  }

  /** Remove tracked containers (joiners first: newest first), then images. */
  async cleanup(): Promise<void> {
    const docker = await getDocker();
    for (const id of [...this.containers].reverse()) {
      await docker
        .getContainer(id)
        .remove({ force: true, v: true })
        .catch(() => {});
    }
    this.containers.clear();
    for (const ref of this.images) {
      await docker
        .getImage(ref)
        .remove({ force: true })
        .catch(() => {});
    }
    this.images.clear();
  }
}

/** Engine events of one kind between two moments (ms epoch), e.g. image "tag". */
export async function engineEvents(
  since: number,
  until: number,
  filters: Record<string, string[]>,
): Promise<Array<{ Action: string; Actor: { Attributes: Record<string, string> } }>> {
  const docker = await getDocker();
  const stream = (await docker.getEvents({
    since: Math.floor(since / 1000),
    until: Math.ceil(until / 1000),
    filters,
  })) as NodeJS.ReadableStream;
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
}
