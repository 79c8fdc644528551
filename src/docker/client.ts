// The one place that makes the dockerode client. Everything that talks to the engine
// goes through src/docker; dockerode is loaded lazily so `podrun --version` and
// `--help` stay fast.
import type Docker from 'dockerode';

let shared: Promise<Docker> | undefined;
let engineVersion: Promise<Docker.DockerVersion> | undefined;

/**
 * The engine client for DOCKER_HOST (or the default socket), created once. Its
 * `version()` answer is remembered for the process: apply asks for it up to three
 * times (reachability, API level, architecture), each a round-trip of 5-10 ms.
 */
export function getDocker(): Promise<Docker> {
  shared ??= import('dockerode').then(({ default: DockerCtor }) => {
    const docker = new DockerCtor();
    const fetchVersion = docker.version.bind(docker) as () => Promise<Docker.DockerVersion>;
    docker.version = (() => {
      engineVersion ??= fetchVersion();
      engineVersion.catch(() => {
        engineVersion = undefined;
      });
      return engineVersion;
    }) as Docker['version'];
    return docker;
  });
  return shared;
}

/** Thrown when no engine answers; its message is the one line users see. */
export class EngineUnavailableError extends Error {
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
  const client = docker ?? (await getDocker());
  try {
    if (docker) await client.ping();
    else {
      engineVersion = undefined;
      await client.version();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code ?? (error as Error).message;
    throw new EngineUnavailableError(
      `cannot reach the Docker engine at ${describeEndpoint()} (${reason}); start it, e.g. with scripts/ensure-docker.sh`,
    );
  }
}
