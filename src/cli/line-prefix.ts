// A writable that prefixes every complete line ("[pod/web/httpd] ..."), holding a
// partial line until its end arrives, so interleaved containers stay readable.
import { Writable } from 'node:stream';

export function linePrefixer(target: Writable, prefix: string): Writable {
  // Bytes, not text: a log line may hold anything, and decoding would turn what is
  // not UTF-8 into U+FFFD (and split a character that spans two chunks).
  const head = Buffer.from(prefix);
  let pending = Buffer.alloc(0);
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      let data = pending.length > 0 ? Buffer.concat([pending, chunk]) : Buffer.from(chunk);
      for (let end = data.indexOf(0x0a); end >= 0; end = data.indexOf(0x0a)) {
        target.write(Buffer.concat([head, data.subarray(0, end + 1)]));
        data = data.subarray(end + 1);
      }
      pending = data;
      callback();
    },
    final(callback) {
      if (pending.length > 0) target.write(Buffer.concat([head, pending, Buffer.from('\n')]));
      callback();
    },
  });
}
