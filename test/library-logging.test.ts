// The library logs through pino: silent by default (test output stays clean), and
// PODRUN_LOG_LEVEL=debug shows every Docker call with its duration.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanNamespace, testNamespace } from './helpers/pods.js';

const ns = testNamespace('liblog');
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

afterAll(async () => {
  await cleanNamespace(ns);
});

async function runChild(env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  const { PODRUN_LOG_LEVEL: _level, PODRUN_LOG_FORMAT: _format, ...rest } = process.env;
  return promisify(execFile)(
    process.execPath,
    ['--import', tsx, 'test/helpers/library-child.ts', ns, 'delete'],
    { env: { ...rest, ...env }, timeout: 60_000 },
  );
}

describe('library logging', () => {
  it('is silent by default', async () => {
    const { stdout, stderr } = await runChild({});
    expect(stdout).toMatch(/^ready /);
    expect(stderr).toBe('');
  });

  it('PODRUN_LOG_LEVEL=debug shows every Docker call with its duration', async () => {
    const { stderr } = await runChild({ PODRUN_LOG_LEVEL: 'debug', PODRUN_LOG_FORMAT: 'json' });
    const calls = stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; ms?: number; msg: string });
    const messages = calls.map((call) => call.msg);
    for (const call of calls.filter((c) => c.level === 20)) {
      expect(typeof call.ms).toBe('number');
    }
    for (const expected of [
      /^create container podrun_.*_doomed-[0-9a-f]{6}_POD_0$/,
      /^start container /,
      /^create volume podrun-pvc_/,
      /^list containers$/,
      /^stop container /,
      /^remove container /,
      /^remove volume /,
    ]) {
      expect(
        messages.some((message) => expected.test(message)),
        String(expected),
      ).toBe(true);
    }
  });
});
