// The framing of the pause binary's relay-tcp mode (images/pause/relay.c): each
// direction of the exec stream is a run of frames, a 4-byte big-endian length and
// that many bytes; length 0 is "no more data from this side" (a TCP half-close).
// Raw bytes would not do: an exec stream cannot show that the relay's stdout ended
// (only that the exec did), nor can its stdin tell a half-close from a client gone.

const HEADER = 4;
/** Frames podrun writes stay below this (a chunk of a socket read is never near it). */
const MAX_FRAME = 1 << 20;

/** One frame carrying `data`; an empty `data` is the half-close frame. */
export function encodeFrame(data: Buffer = Buffer.alloc(0)): Buffer {
  if (data.length >= MAX_FRAME) throw new RangeError(`relay frame of ${data.length} bytes`);
  const header = Buffer.alloc(HEADER);
  header.writeUInt32BE(data.length, 0);
  return data.length === 0 ? header : Buffer.concat([header, data]);
}

export type RelayChunk = { data: Buffer } | { eof: true };

/** Cuts the relay's stdout into payloads and its half-close; split headers are held. */
export class RelayFrameDecoder {
  private header = Buffer.alloc(0);
  /** Payload bytes still to come of the current frame. */
  private left = 0;
  private ended = false;

  /** Whether the half-close frame has come. */
  get eof(): boolean {
    return this.ended;
  }

  push(chunk: Buffer): RelayChunk[] {
    const out: RelayChunk[] = [];
    let offset = 0;
    while (offset < chunk.length && !this.ended) {
      if (this.left === 0) {
        const need = HEADER - this.header.length;
        this.header = Buffer.concat([this.header, chunk.subarray(offset, offset + need)]);
        offset += Math.min(need, chunk.length - offset);
        if (this.header.length < HEADER) break;
        this.left = this.header.readUInt32BE(0);
        this.header = Buffer.alloc(0);
        if (this.left === 0) {
          this.ended = true;
          out.push({ eof: true });
        }
        continue;
      }
      const take = Math.min(this.left, chunk.length - offset);
      // A copy: the caller's chunk may be reused once push returns.
      out.push({ data: Buffer.from(chunk.subarray(offset, offset + take)) });
      offset += take;
      this.left -= take;
    }
    return out;
  }
}
