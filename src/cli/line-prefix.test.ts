import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { linePrefixer } from './line-prefix.js';

function sink() {
  const chunks: Buffer[] = [];
  const target = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  return { target, bytes: () => Buffer.concat(chunks) };
}

async function through(parts: Buffer[]): Promise<Buffer> {
  const { target, bytes } = sink();
  const prefixer = linePrefixer(target, '[p/c] ');
  for (const part of parts) prefixer.write(part);
  await new Promise<void>((resolve) => prefixer.end(resolve));
  return bytes();
}

describe('linePrefixer', () => {
  it('prefixes each line, holding a partial one until its end comes', async () => {
    expect((await through([Buffer.from('a\nb'), Buffer.from('c\nd')])).toString()).toBe(
      '[p/c] a\n[p/c] bc\n[p/c] d\n',
    );
  });

  it('passes bytes that are not UTF-8 through unchanged', async () => {
    const out = await through([Buffer.from([0x78, 0xff, 0xfe, 0x0a])]);
    expect(out).toEqual(Buffer.concat([Buffer.from('[p/c] x'), Buffer.from([0xff, 0xfe, 0x0a])]));
  });

  it('keeps a character whose bytes arrive in two chunks whole', async () => {
    const euro = Buffer.from('€\n');
    const out = await through([euro.subarray(0, 1), euro.subarray(1)]);
    expect(out.toString('utf8')).toBe('[p/c] €\n');
  });

  it('an empty stream writes nothing', async () => {
    expect((await through([])).length).toBe(0);
  });
});
