// Start the background supervisor on demand: if nothing answers on its socket,
// spawn the daemon detached (own session, stdio to its log file) and wait until it
// answers. Any podrun command that finds supervised pods calls this, so after a
// reboot (supervisor gone, containers exited) the next podrun command brings the
// supervisor back, and it brings the pods back.
import { spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PodrunError } from '../errors.js';
import { ensureRuntimeDir, supervisorPaths } from './paths.js';
import { askSupervisor, type SupervisorStatus } from './protocol.js';

export class SupervisorStartError extends PodrunError {
  override name = 'SupervisorStartError';
}

function daemonCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    // Running from source (tests through tsx): run the daemon through tsx as well.
    return ['--import', 'tsx', fileURLToPath(new URL('./daemon.ts', import.meta.url))];
  }
  // dist/supervisor/launch.js, or a chunk of the CLI bundle in dist/bundle/: both
  // find the compiled daemon at dist/supervisor/daemon.js.
  for (const candidate of ['../supervisor/daemon.js', './daemon.js']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return [path];
  }
  throw new SupervisorStartError('dist/supervisor/daemon.js is missing; run npm run build');
}

export async function supervisorStatus(): Promise<SupervisorStatus | undefined> {
  return askSupervisor<SupervisorStatus>({ op: 'status' }, { timeoutMs: 1500 });
}

export async function ensureSupervisor(timeoutMs = 10_000): Promise<SupervisorStatus> {
  const running = await supervisorStatus();
  if (running) return running;
  const paths = supervisorPaths();
  ensureRuntimeDir(paths);
  const out = openSync(paths.log, 'a');
  const child = spawn(process.execPath, daemonCommand(), {
    detached: true,
    stdio: ['ignore', out, out],
    env: process.env,
  });
  child.unref();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await supervisorStatus();
    if (status) return status;
    if (child.exitCode !== null && child.exitCode !== 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new SupervisorStartError(`the supervisor did not start; see ${paths.log}`);
}

export async function stopSupervisor(timeoutMs = 15_000): Promise<number | undefined> {
  const status = await supervisorStatus();
  if (!status) return undefined;
  await askSupervisor({ op: 'stop' });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(status.pid, 0);
    } catch {
      return status.pid;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return status.pid;
}
