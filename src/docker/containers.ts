// Container calls podrun makes, each one Docker API request (timed by the engine).
import type Docker from 'dockerode';
import { labelFilter } from '../plan/labels.js';
import { engine } from './engine.js';
import { isConflict, isNotFound, isNotModified, isNotRunning } from './errors.js';

export async function createContainer(options: Docker.ContainerCreateOptions): Promise<string> {
  return engine().createContainer(options);
}

export async function startContainer(id: string): Promise<void> {
  try {
    await engine().startContainer(id);
  } catch (error) {
    if (!isNotModified(error)) throw error;
  }
}

export async function inspectContainer(
  idOrName: string,
): Promise<Docker.ContainerInspectInfo | undefined> {
  try {
    return await engine().inspectContainer(idOrName);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Stop with a grace period in seconds: the engine sends the stop signal, then SIGKILL. */
export async function stopContainer(id: string, graceSeconds: number): Promise<void> {
  try {
    await engine().stopContainer(id, { t: Math.max(0, Math.round(graceSeconds)) });
  } catch (error) {
    if (!isNotModified(error) && !isNotFound(error)) throw error;
  }
}

export async function killContainer(id: string, signal = 'SIGKILL'): Promise<void> {
  try {
    await engine().killContainer(id, { signal });
  } catch (error) {
    if (!isNotFound(error) && !isNotRunning(error)) throw error;
  }
}

/** Remove (forcefully); a container that is already gone is not an error. */
export async function removeContainer(id: string): Promise<void> {
  try {
    await engine().removeContainer(id, { force: true, v: false });
  } catch (error) {
    // 409 "removal already in progress" counts as gone too.
    if (!isNotFound(error) && !isConflict(error)) throw error;
  }
}

/** podrun containers (running or not) matching the given labels. */
export async function listPodrunContainers(
  match: Record<string, string | undefined> = {},
): Promise<Docker.ContainerInfo[]> {
  return engine().listContainers({ all: true, filters: { label: labelFilter(match) } });
}

/** Wait until the container stops; resolves with its exit code. */
export async function waitContainer(id: string): Promise<number> {
  const result = await engine().waitContainer(id);
  return result.StatusCode;
}
