// podrun exec POD [-c C] [-i] [-t] -- CMD...: exits with the command's exit code.
import { containerExec } from '../../pod/container-io.js';
import { defaultContainerName } from '../../pod/containers-of.js';
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
  const container = flags.container ?? defaultContainerName(record);
  const tty = Boolean(flags.tty && process.stdin.isTTY);
  if (tty) process.stdin.setRawMode?.(true);
  try {
    const code = await containerExec(record, container, command, {
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
