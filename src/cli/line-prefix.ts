// A writable that prefixes every complete line ("[pod/web/httpd] ..."), holding a
// partial line until its end arrives, so interleaved containers stay readable.
import { Writable } from 'node:stream';

export function linePrefixer(target: NodeJS.WritableStream, prefix: string): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) target.write(`${prefix}${line}\n`);
      callback();
    },
    final(callback) {
      if (pending) target.write(`${prefix}${pending}\n`);
      callback();
    },
  });
}
