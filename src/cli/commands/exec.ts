// podrun exec POD [-c C] [-i] [-t] -- CMD...: exits with the command's exit code.
import { execStream } from '../../docker/exec.js';
import { containerInstance, defaultContainerName } from '../../pod/containers-of.js';
import { PodNotFoundError } from '../../pod/errors.js';
import { findPodRecord } from '../../pod/records.js';
import { podNameArg } from '../output.js';

interface ExecFlags {
  namespace: string;
  container?: string;
  stdin?: boolean;
  tty?: boolean;
}

export async function runExec(podArg: string, command: string[], flags: ExecFlags): Promise<void> {
  const name = podNameArg(podArg);
  const record = await findPodRecord(flags.namespace, name);
  if (!record) throw new PodNotFoundError(flags.namespace, name);
  const container = containerInstance(record, flags.container ?? defaultContainerName(record));
  if (container.State !== 'running') {
    throw new Error(
      `cannot exec in container ${container.Labels['io.podrun.container']}: it is not running (${container.State})`,
    );
  }
  const tty = Boolean(flags.tty && process.stdin.isTTY);
  if (tty) process.stdin.setRawMode?.(true);
  try {
    const code = await execStream(container.Id, command, {
      stdin: flags.stdin ? process.stdin : undefined,
      stdout: process.stdout,
      stderr: process.stderr,
      tty,
    });
    process.exitCode = code;
  } finally {
    if (tty) process.stdin.setRawMode?.(false);
    if (flags.stdin) process.stdin.pause();
  }
}
