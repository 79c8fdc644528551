// podrun supervisor status | start | stop | run
// The supervisor is one background process per engine (and scope) that keeps
// supervised pods alive after the command that applied them has exited: restarts
// with back-off, probes, sandbox rebuilds. `run` keeps it in the foreground (for a
// systemd unit or a container); apply/up/get start it on demand.
import { ensureSupervisor, stopSupervisor, supervisorStatus } from '../../supervisor/launch.js';
import { supervisorPaths } from '../../supervisor/paths.js';

export async function runSupervisor(action: string): Promise<void> {
  if (action === 'status') {
    const status = await supervisorStatus();
    if (!status) {
      const paths = supervisorPaths();
      process.stdout.write(`supervisor: not running (socket ${paths.socket})\n`);
      process.exitCode = 3;
      return;
    }
    const lines = [
      ['pid', String(status.pid)],
      ['started', status.startedAt],
      ['scope', status.scope],
      ['engine', status.engine],
      ['pods', String(status.pods)],
      ['socket', status.socket],
      ['log', status.log],
      ['version', status.version],
    ];
    for (const [key, value] of lines) process.stdout.write(`${`${key}:`.padEnd(10)}${value}\n`);
    return;
  }
  if (action === 'start') {
    const status = await ensureSupervisor();
    process.stdout.write(`supervisor running (pid ${status.pid})\n`);
    return;
  }
  if (action === 'stop') {
    const pid = await stopSupervisor();
    process.stdout.write(pid ? `supervisor stopped (pid ${pid})\n` : 'supervisor: not running\n');
    return;
  }
  if (action === 'run') {
    await import('../../supervisor/daemon.js');
    await new Promise(() => undefined); // the daemon exits the process itself
  }
  throw new Error(`unknown supervisor action "${action}" (status, start, stop, run)`);
}
