import { describe, expect, it } from 'vitest';
import { demuxBuffer, FrameDecoder } from './log-frames.js';

function frame(stream: number, text: string): Buffer {
  const data = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

const texts = (frames: { stream: number; data: Buffer }[]) =>
  frames.map((f) => `${f.stream}:${f.data.toString()}`);

describe('demuxBuffer', () => {
  it('keeps stdout and stderr frames in the order the engine sent them', () => {
    const buffer = Buffer.concat([
      frame(1, 'out1\n'),
      frame(2, 'err1\n'),
      frame(1, 'out2\n'),
      frame(2, 'err2\n'),
    ]);
    expect(texts(demuxBuffer(buffer))).toEqual(['1:out1\n', '2:err1\n', '1:out2\n', '2:err2\n']);
  });

  it('drops a truncated last frame and reads an empty payload', () => {
    const whole = frame(2, 'partial line');
    const buffer = Buffer.concat([frame(1, ''), frame(1, 'a\n'), whole.subarray(0, 11)]);
    expect(texts(demuxBuffer(buffer))).toEqual(['1:', '1:a\n']);
  });
});

describe('FrameDecoder', () => {
  const stream = Buffer.concat([frame(1, 'out1\n'), frame(2, 'err1\n'), frame(1, 'out2\n')]);

  it('returns the same frames in order however the bytes are cut', () => {
    for (let size = 1; size <= stream.length; size++) {
      const decoder = new FrameDecoder();
      const frames = [];
      for (let offset = 0; offset < stream.length; offset += size) {
        frames.push(...decoder.push(stream.subarray(offset, offset + size)));
      }
      expect(texts(frames), `chunks of ${size}`).toEqual(['1:out1\n', '2:err1\n', '1:out2\n']);
      expect(decoder.buffered).toBe(0);
    }
  });

  it('holds a split header until the rest arrives', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(stream.subarray(0, 5))).toEqual([]);
    expect(decoder.buffered).toBe(5);
    expect(texts(decoder.push(stream.subarray(5, 13)))).toEqual(['1:out1\n']);
    expect(decoder.buffered).toBe(0);
  });

  it('does not keep a view of a chunk the caller may reuse', () => {
    const decoder = new FrameDecoder();
    const chunk = Buffer.from(frame(2, 'err1\n').subarray(0, 10));
    decoder.push(chunk);
    chunk.fill(0);
    expect(texts(decoder.push(frame(2, 'err1\n').subarray(10)))).toEqual(['2:err1\n']);
  });
});
