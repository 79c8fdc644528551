// Where the supervisor of an engine answers: a unix socket (and its log file) named
// after the engine endpoint, under $XDG_RUNTIME_DIR/podrun, /run/podrun for root, or
// the temp directory (runtime-dir.ts). A scope (PODRUN_SUPERVISOR_SCOPE, for tests) gets its own
// supervisor that only looks after pods applied with the same scope.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeDir } from '../runtime-dir.js';

/** The io.podrun.supervised value of pods applied now: the scope, or "true". */
export function supervisionScope(env: NodeJS.ProcessEnv = process.env): string {
  const scope = env.PODRUN_SUPERVISOR_SCOPE?.trim();
  return scope && /^[a-z0-9-]{1,63}$/.test(scope) ? scope : 'true';
}

export interface SupervisorPaths {
  dir: string;
  socket: string;
  log: string;
  /** The probe states the supervisor leaves its successor (probe-memory.ts). */
  probes: string;
}

export function supervisorPaths(env: NodeJS.ProcessEnv = process.env): SupervisorPaths {
  const engine = env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  const id = createHash('sha256').update(engine).digest('hex').slice(0, 10);
  const scope = supervisionScope(env);
  const base = scope === 'true' ? `supervisor-${id}` : `supervisor-${id}-${scope}`;
  const dir = runtimeDir(env);
  return {
    dir,
    socket: join(dir, `${base}.sock`),
    log: join(dir, `${base}.log`),
    probes: join(dir, `${base}.probes.json`),
  };
}

export function ensureRuntimeDir(paths: SupervisorPaths): void {
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
}
