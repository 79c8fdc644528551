// Container calls podrun makes, each one Docker API request, typed and logged.
import type Docker from 'dockerode';
import { timed } from '../log.js';
import { labelFilter } from '../plan/labels.js';
import { getDocker } from './client.js';
import { isConflict, isNotFound, isNotModified } from './errors.js';

export async function createContainer(options: Docker.ContainerCreateOptions): Promise<string> {
  const docker = await getDocker();
  const container = await timed(`create container ${options.name}`, () =>
    docker.createContainer(options),
  );
  return container.id;
}

export async function startContainer(id: string): Promise<void> {
  const docker = await getDocker();
  await timed(`start container ${id.slice(0, 12)}`, async () => {
    try {
      await docker.getContainer(id).start();
    } catch (error) {
      if (!isNotModified(error)) throw error;
    }
  });
}

export async function inspectContainer(
  idOrName: string,
): Promise<Docker.ContainerInspectInfo | undefined> {
  const docker = await getDocker();
  try {
    return await timed(`inspect container ${idOrName}`, () =>
      docker.getContainer(idOrName).inspect(),
    );
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Stop with a grace period in seconds: the engine sends the stop signal, then SIGKILL. */
export async function stopContainer(id: string, graceSeconds: number): Promise<void> {
  const docker = await getDocker();
  await timed(`stop container ${id.slice(0, 12)} (grace ${graceSeconds}s)`, async () => {
    try {
      await docker.getContainer(id).stop({ t: Math.max(0, Math.round(graceSeconds)) });
    } catch (error) {
      if (!isNotModified(error) && !isNotFound(error)) throw error;
    }
  });
}

export async function killContainer(id: string, signal = 'SIGKILL'): Promise<void> {
  const docker = await getDocker();
  await timed(`kill container ${id.slice(0, 12)} (${signal})`, async () => {
    try {
      await docker.getContainer(id).kill({ signal });
    } catch (error) {
      if (!isNotFound(error) && !isConflict(error)) throw error;
    }
  });
}

/** Remove (forcefully); a container that is already gone is not an error. */
export async function removeContainer(id: string): Promise<void> {
  const docker = await getDocker();
  await timed(`remove container ${id.slice(0, 12)}`, async () => {
    try {
      await docker.getContainer(id).remove({ force: true, v: false });
    } catch (error) {
      // 409 "removal already in progress" counts as gone too.
      if (!isNotFound(error) && !isConflict(error)) throw error;
    }
  });
}

/** podrun containers (running or not) matching the given labels. */
export async function listPodrunContainers(
  match: Record<string, string | undefined> = {},
): Promise<Docker.ContainerInfo[]> {
  const docker = await getDocker();
  return timed('list containers', () =>
    docker.listContainers({ all: true, filters: { label: labelFilter(match) } }),
  );
}

/** Wait until the container stops; resolves with its exit code. */
export async function waitContainer(id: string): Promise<number> {
  const docker = await getDocker();
  const result = (await timed(`wait container ${id.slice(0, 12)}`, () =>
    docker.getContainer(id).wait(),
  )) as { StatusCode: number };
  return result.StatusCode;
}
