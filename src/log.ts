// podrun's own diagnostics, through pino. Silent unless asked: the CLI sets the level
// from --log-level / PODRUN_LOG_LEVEL, the library stays quiet in test runs.
// pino is loaded on first use so the `--version` path stays cheap.
// Every line goes through scrubSecrets: whatever Secret data this process has read
// (rememberSecrets) is replaced by the redaction marker before it is written.
import type { Logger } from 'pino';
import { redactText, secretContentValues } from './plan/redact.js';

export type LogFormat = 'pretty' | 'json';

let logger: Logger | undefined;
let level = process.env.PODRUN_LOG_LEVEL ?? 'silent';
let format: LogFormat = (process.env.PODRUN_LOG_FORMAT as LogFormat | undefined) ?? 'pretty';

export function configureLogging(options: { level?: string; format?: LogFormat }): void {
  if (options.level) level = options.level;
  if (options.format) format = options.format;
  logger = undefined;
}

const secrets = new Set<string>();

/** Secret data this process has read (base64, as a Secret's `data` holds it). */
export function rememberSecretData(data: Record<string, string> | undefined): void {
  for (const base64 of Object.values(data ?? {})) {
    for (const value of secretContentValues(Buffer.from(base64, 'base64').toString('utf8')))
      secrets.add(value);
  }
}

/** `text` with every Secret value this process has read replaced by the marker. */
export function scrubSecrets(text: string): string {
  return secrets.size === 0 ? text : redactText(text, secrets);
}

function build(): Logger {
  // createRequire keeps this synchronous: pino is CommonJS.
  const pino = requireCjs('pino') as typeof import('pino');
  const factory = (pino as unknown as { default?: typeof pino }).default ?? pino;
  const hooks = { streamWrite: scrubSecrets };
  if (format === 'json' || level === 'silent') {
    return factory({ level, base: { name: 'podrun' }, hooks }, process.stderr);
  }
  const pretty = requireCjs('pino-pretty') as (options: object) => NodeJS.WritableStream;
  return factory(
    { level, base: undefined, hooks },
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
