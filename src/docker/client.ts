// Reaching the engine: the dockerode client (getDocker, for tests and scripts that
// work below podrun), the reachability check and the engine's version. Everything in
// podrun talks to the engine through src/docker's functions, which use engine().
import type Docker from 'dockerode';
import { PodrunError } from '../errors.js';
import { engine, engineFor } from './engine.js';

export { getDocker } from './dockerode-engine.js';

/** Thrown when no engine answers; its message is the one line users see. */
export class EngineUnavailableError extends PodrunError {
  override name = 'EngineUnavailableError';
}

function describeEndpoint(): string {
  return process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
}

/**
 * Check that the engine answers, turning connection failures into one clear sentence.
 * Asks for the version (not /_ping): the answer is needed next anyway, so this saves
 * a round-trip. A fresh answer every time, so a long-lived process notices an engine
 * that went away.
 */
export async function pingEngine(docker?: Docker): Promise<void> {
  try {
    if (docker) await engineFor(docker).ping();
    else await engine().version({ fresh: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code ?? (error as Error).message;
    throw new EngineUnavailableError(
      `cannot reach the Docker engine at ${describeEndpoint()} (${reason}); start it, e.g. with scripts/ensure-docker.sh`,
      { cause: error },
    );
  }
}

/** The engine's version answer (remembered for the process). */
export function engineVersion(): Promise<Docker.DockerVersion> {
  return engine().version();
}

/** Whether the engine mounts a volume's subpath itself (API 1.45+). */
export async function engineSupportsVolumeSubpath(): Promise<boolean> {
  const version = await engineVersion();
  const [major = 0, minor = 0] = String(version.ApiVersion).split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 45);
}
