// The one place that makes the dockerode client. Everything that talks to the engine
// goes through src/docker; dockerode is loaded lazily so `podrun --version` and
// `--help` stay fast.
import type Docker from 'dockerode';

let shared: Promise<Docker> | undefined;

/** The engine client for DOCKER_HOST (or the default socket), created once. */
export function getDocker(): Promise<Docker> {
  shared ??= import('dockerode').then(({ default: DockerCtor }) => new DockerCtor());
  return shared;
}

/** Thrown when no engine answers; its message is the one line users see. */
export class EngineUnavailableError extends Error {
  override name = 'EngineUnavailableError';
}

function describeEndpoint(): string {
  return process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
}

/** Ping the engine, turning connection failures into one clear sentence. */
export async function pingEngine(docker?: Docker): Promise<void> {
  const client = docker ?? (await getDocker());
  try {
    await client.ping();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code ?? (error as Error).message;
    throw new EngineUnavailableError(
      `cannot reach the Docker engine at ${describeEndpoint()} (${reason}); start it, e.g. with scripts/ensure-docker.sh`,
    );
  }
}
