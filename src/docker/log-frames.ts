// The engine's multiplexed log stream (containers without a TTY): a run of frames,
// each an 8-byte header (stream type 0 stdin, 1 stdout, 2 stderr; three zero bytes;
// the payload size, big-endian) and the payload. Frames come in the order the
// engine recorded the writes, so writing every payload, in frame order, to one
// writable keeps stdout and stderr interleaved as written (what kubectl logs prints).

export interface LogFrame {
  /** 0 stdin, 1 stdout, 2 stderr. */
  stream: number;
  data: Buffer;
}

const HEADER = 8;

/** Cuts a byte stream into frames; a header or payload split across chunks is held until complete. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  /** Feed the next chunk; returns every frame it completes, in order. */
  push(chunk: Buffer): LogFrame[] {
    const buffer = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: LogFrame[] = [];
    let offset = 0;
    while (offset + HEADER <= buffer.length) {
      const size = buffer.readUInt32BE(offset + 4);
      if (offset + HEADER + size > buffer.length) break;
      frames.push({
        stream: buffer[offset]!,
        data: buffer.subarray(offset + HEADER, offset + HEADER + size),
      });
      offset += HEADER + size;
    }
    // Copy the rest: the caller may reuse or keep the chunk it handed in.
    this.pending = Buffer.from(buffer.subarray(offset));
    return frames;
  }

  /** Bytes of an incomplete frame held back (0 at a frame boundary). */
  get buffered(): number {
    return this.pending.length;
  }
}

/** Split a whole multiplexed log buffer into its frames (a truncated last frame is dropped). */
export function demuxBuffer(buffer: Buffer): LogFrame[] {
  return new FrameDecoder().push(buffer);
}
