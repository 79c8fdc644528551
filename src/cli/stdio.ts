// Where a verb's output goes: the process's stdout and stderr, or, when the supervisor
// runs the verb for a CLI process (the warm path, src/cli/warm-serve.ts), that
// process's, through the socket. The store is per async call chain, so two CLI
// requests the supervisor serves at once never mix their output with each other's or
// with the supervisor's own log.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Writable } from 'node:stream';

export interface CliStdio {
  out(text: string): void;
  err(text: string): void;
  /** stdout as a byte stream (container logs: any bytes, not only UTF-8 text). */
  outStream(): Writable;
}

const processStdio: CliStdio = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  outStream: () => process.stdout,
};

const current = new AsyncLocalStorage<CliStdio>();

/** The output of the verb running now. */
export function stdio(): CliStdio {
  return current.getStore() ?? processStdio;
}

/** Run `fn` with its verb output going to `streams`. */
export function withStdio<T>(streams: CliStdio, fn: () => Promise<T>): Promise<T> {
  return current.run(streams, fn);
}
