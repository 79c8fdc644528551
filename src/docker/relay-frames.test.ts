import { describe, expect, it } from 'vitest';
import { encodeFrame, type RelayChunk, RelayFrameDecoder } from './relay-frames.js';

const text = (chunks: RelayChunk[]) =>
  chunks.map((c) => ('eof' in c ? '<eof>' : c.data.toString())).join('|');

describe('relay frames', () => {
  it('encodes a length-prefixed payload and an empty half-close frame', () => {
    expect(encodeFrame(Buffer.from('hi'))).toEqual(Buffer.from([0, 0, 0, 2, 0x68, 0x69]));
    expect(encodeFrame()).toEqual(Buffer.from([0, 0, 0, 0]));
  });

  it('decodes frames split anywhere, headers included, and stops at the half-close', () => {
    const stream = Buffer.concat([
      encodeFrame(Buffer.from('hello')),
      encodeFrame(Buffer.from(' world')),
      encodeFrame(),
      Buffer.from('ignored after the half-close'),
    ]);
    for (let cut = 1; cut < 20; cut++) {
      const decoder = new RelayFrameDecoder();
      const chunks: RelayChunk[] = [];
      for (let i = 0; i < stream.length; i += cut)
        chunks.push(...decoder.push(stream.subarray(i, i + cut)));
      const joined = text(chunks).replace(/\|(?!<eof>)/g, '');
      expect(joined).toBe('hello world|<eof>');
      expect(decoder.eof).toBe(true);
    }
  });

  it('copies payloads, so a reused input chunk does not change them', () => {
    const decoder = new RelayFrameDecoder();
    const chunk = encodeFrame(Buffer.from('abc'));
    const [first] = decoder.push(chunk);
    chunk.fill(0);
    expect(first && 'data' in first && first.data.toString()).toBe('abc');
  });
});
