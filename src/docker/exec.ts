// Run a command inside a container, keeping stdout and stderr apart, and report its
// exit code.
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { engine } from './engine.js';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecStreams {
  stdin?: Readable;
  stdout: Writable;
  stderr: Writable;
  tty?: boolean;
}

/** Exec with live streams (CLI): resolves with the exit code. */
export async function execStream(
  containerId: string,
  command: string[],
  streams: ExecStreams,
): Promise<number> {
  return engine().exec(containerId, {
    Cmd: command,
    Tty: Boolean(streams.tty),
    stdin: streams.stdin,
    stdout: streams.stdout,
    stderr: streams.stderr,
  });
}

/** Exec and collect the output (library, probes, tests). */
export async function execCollect(
  containerId: string,
  command: string[],
  input?: string,
): Promise<ExecResult> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const out = new PassThrough();
  const err = new PassThrough();
  out.on('data', (chunk: Buffer) => stdout.push(chunk));
  err.on('data', (chunk: Buffer) => stderr.push(chunk));
  let stdin: Readable | undefined;
  if (input !== undefined) {
    const source = new PassThrough();
    source.end(input);
    stdin = source;
  }
  const exitCode = await execStream(containerId, command, { stdout: out, stderr: err, stdin });
  return {
    exitCode,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
  };
}
