// Run a command inside a container, keeping stdout and stderr apart, and report its
// exit code. Non-TTY exec output is multiplexed: the modem demultiplexes it.
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { timed } from '../log.js';
import { getDocker } from './client.js';

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
  const docker = await getDocker();
  const tty = Boolean(streams.tty);
  const exec = await timed(`exec create ${containerId.slice(0, 12)} ${command[0] ?? ''}`, () =>
    docker.getContainer(containerId).exec({
      Cmd: command,
      AttachStdout: true,
      AttachStderr: true,
      AttachStdin: Boolean(streams.stdin),
      Tty: tty,
    }),
  );
  const stream = await timed(`exec start ${containerId.slice(0, 12)}`, () =>
    exec.start({ hijack: true, stdin: Boolean(streams.stdin), Tty: tty }),
  );
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  if (tty) {
    stream.pipe(streams.stdout, { end: false });
  } else {
    docker.modem.demuxStream(stream, streams.stdout, streams.stderr);
  }
  if (streams.stdin) {
    streams.stdin.pipe(stream);
    streams.stdin.on('end', () => {
      // Half-close so the command sees EOF on its stdin.
      (stream as unknown as { end?: () => void }).end?.();
    });
  }
  await timed(`exec run ${containerId.slice(0, 12)} ${command[0] ?? ''}`, () => finished);
  const info = await timed(`exec inspect ${containerId.slice(0, 12)}`, () => exec.inspect());
  return info.ExitCode ?? -1;
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
