// podrun's own diagnostics, through pino. Silent unless asked: the CLI sets the level
// from --log-level / PODRUN_LOG_LEVEL, the library stays quiet in test runs.
// pino is loaded on first use so the `--version` path stays cheap.
import type { Logger } from 'pino';

export type LogFormat = 'pretty' | 'json';

let logger: Logger | undefined;
let level = process.env.PODRUN_LOG_LEVEL ?? 'silent';
let format: LogFormat = (process.env.PODRUN_LOG_FORMAT as LogFormat | undefined) ?? 'pretty';

export function configureLogging(options: { level?: string; format?: LogFormat }): void {
  if (options.level) level = options.level;
  if (options.format) format = options.format;
  logger = undefined;
}

function build(): Logger {
  // createRequire keeps this synchronous: pino is CommonJS.
  const pino = requireCjs('pino') as typeof import('pino');
  const factory = (pino as unknown as { default?: typeof pino }).default ?? pino;
  if (format === 'json' || level === 'silent') {
    return factory({ level, base: { name: 'podrun' } }, process.stderr);
  }
  const pretty = requireCjs('pino-pretty') as (options: object) => NodeJS.WritableStream;
  return factory(
    { level, base: undefined },
    pretty({ destination: 2, colorize: process.stderr.isTTY, ignore: 'pid,hostname' }),
  );
}

import { createRequire } from 'node:module';

const requireCjs = createRequire(import.meta.url);

export function log(): Logger {
  logger ??= build();
  return logger;
}

/** Time an async Docker call; logs its duration at debug level. */
export async function timed<T>(what: string, call: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await call();
  } finally {
    // Only build the logger (pino, pino-pretty: ~50 ms to load) when it will print.
    if (level === 'debug' || level === 'trace') {
      const ms = Math.round((performance.now() - start) * 10) / 10;
      log().debug({ ms }, what);
    }
  }
}
