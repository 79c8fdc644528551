// Container logs, demultiplexed (non-TTY logs interleave stdout and stderr frames).
import type { Writable } from 'node:stream';
import { timed } from '../log.js';
import { getDocker } from './client.js';

export interface LogOptions {
  follow?: boolean;
  tail?: number;
  /** Unix seconds. */
  since?: number;
  timestamps?: boolean;
  tty?: boolean;
}

export async function streamLogs(
  containerId: string,
  options: LogOptions,
  stdout: Writable,
  stderr: Writable,
): Promise<void> {
  const docker = await getDocker();
  const container = docker.getContainer(containerId);
  const common = {
    stdout: true,
    stderr: true,
    timestamps: Boolean(options.timestamps),
    // The engine takes "all" or a count; the typings only know numbers.
    tail: (options.tail === undefined || options.tail < 0 ? 'all' : options.tail) as number,
    since: options.since ?? 0,
  };
  if (options.follow) {
    const stream = await timed(`logs ${containerId.slice(0, 12)} (follow)`, () =>
      container.logs({ ...common, follow: true }),
    );
    await new Promise<void>((resolve, reject) => {
      if (options.tty) stream.pipe(stdout, { end: false });
      else docker.modem.demuxStream(stream, stdout, stderr);
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
    return;
  }
  const buffer = await timed(`logs ${containerId.slice(0, 12)}`, () =>
    container.logs({ ...common, follow: false }),
  );
  if (options.tty) {
    stdout.write(buffer);
    return;
  }
  for (const frame of demuxBuffer(buffer)) {
    (frame.stream === 2 ? stderr : stdout).write(frame.data);
  }
}

/** Split a multiplexed log buffer into its frames (8-byte header: stream, 0,0,0, size). */
export function demuxBuffer(buffer: Buffer): { stream: number; data: Buffer }[] {
  const frames: { stream: number; data: Buffer }[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const stream = buffer[offset]!;
    const size = buffer.readUInt32BE(offset + 4);
    frames.push({ stream, data: buffer.subarray(offset + 8, offset + 8 + size) });
    offset += 8 + size;
  }
  return frames;
}
