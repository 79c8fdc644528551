// Container logs as kubectl logs prints them: stdout and stderr on one writable, in
// the order the engine recorded them. Without a TTY the engine multiplexes both
// streams into frames (log-frames.ts); with one there is a single raw stream.
import type { Writable } from 'node:stream';
import { engine } from './engine.js';
import { demuxBuffer, FrameDecoder } from './log-frames.js';

export interface LogOptions {
  follow?: boolean;
  tail?: number;
  /** Unix seconds, fractions kept (the engine takes nanoseconds). */
  since?: number;
  timestamps?: boolean;
  tty?: boolean;
}

/**
 * Unix seconds as the engine parses them, "seconds.nanoseconds" with all nine digits
 * ("12.5" would be 12 s and 5 ns); typed as a number for dockerode's typings.
 */
export function engineTime(seconds: number): number {
  const whole = Math.floor(seconds);
  const nanos = Math.min(Math.round((seconds - whole) * 1e9), 999_999_999);
  return `${whole}.${String(nanos).padStart(9, '0')}` as unknown as number;
}

/** Write a container's log (both streams, merged in write order) to `out`; `out` is not ended. */
export async function streamLogs(
  containerId: string,
  options: LogOptions,
  out: Writable,
): Promise<void> {
  const common = {
    stdout: true,
    stderr: true,
    timestamps: Boolean(options.timestamps),
    // The engine takes "all" or a count; the typings only know numbers.
    tail: (options.tail === undefined || options.tail < 0 ? 'all' : options.tail) as number,
    since: engineTime(options.since ?? 0),
  };
  if (options.follow) {
    const stream = await engine().followContainerLogs(containerId, common);
    const decoder = options.tty ? undefined : new FrameDecoder();
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => {
        if (!decoder) out.write(chunk);
        else for (const frame of decoder.push(chunk)) out.write(frame.data);
      });
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
    return;
  }
  const buffer = await engine().containerLogs(containerId, common);
  if (options.tty) {
    out.write(buffer);
    return;
  }
  for (const frame of demuxBuffer(buffer)) out.write(frame.data);
}
