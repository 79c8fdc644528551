// Every failure reaches the user as one line per problem on stderr and a non-zero
// exit code; stack traces only at debug level. Secret data never prints (scrubSecrets).
import { exitCodeOf } from '../errors.js';
import { scrubSecrets } from '../log.js';
import { stdio } from './stdio.js';

/** A socket error from talking to the engine, turned into what to do about it. */
function engineConnectionMessage(error: NodeJS.ErrnoException): string | undefined {
  if (error?.syscall !== 'connect') return undefined;
  const endpoint = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (error.code === 'EACCES') {
    return `permission denied on the Docker engine socket (${endpoint}); run as root or join the docker group`;
  }
  if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
    return `cannot reach the Docker engine at ${endpoint} (${error.code}); start it (scripts/ensure-docker.sh) or set DOCKER_HOST`;
  }
  return undefined;
}

export function reportError(error: unknown): number {
  const err = error as Error;
  const text = scrubSecrets(
    engineConnectionMessage(err as NodeJS.ErrnoException) ?? String(err?.message ?? error),
  );
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  for (const line of lines.length > 0 ? lines : ['unknown error']) {
    stdio().err(`error: ${line}\n`);
  }
  if (process.env.PODRUN_LOG_LEVEL === 'debug' && err?.stack)
    stdio().err(`${scrubSecrets(err.stack)}\n`);
  return exitCodeOf(error);
}
