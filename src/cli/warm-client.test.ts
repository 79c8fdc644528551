// The client's side of the warm path against a scripted socket (no supervisor, no
// engine): what it does with each way a conversation can go.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { supervisorPaths } from '../supervisor/paths.js';
import { runWarm } from './warm-client.js';

let dir: string;
let server: Server | undefined;
const saved = { ...process.env };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podrun-warm-client-'));
  process.env.PODRUN_RUNTIME_DIR = dir;
  process.env.PODRUN_SUPERVISOR_SCOPE = 'warm-client-test';
  delete process.env.PODRUN_NO_WARM;
});

afterEach(async () => {
  vi.restoreAllMocks();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});

/** A socket that answers the request with these lines, then does `then`. */
async function scripted(lines: object[], then: 'close' | 'hang' = 'close'): Promise<void> {
  server = createServer((socket: Socket) => {
    socket.once('data', () => {
      for (const line of lines) socket.write(`${JSON.stringify(line)}\n`);
      if (then === 'close') socket.end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(supervisorPaths().socket, resolve));
}

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  return { out, err };
}

describe('runWarm', () => {
  it('prints what comes back and returns the exit code', async () => {
    await scripted([{ warm: 'accepted' }, { out: 'a\n' }, { err: 'w\n' }, { exit: 3 }]);
    const { out, err } = captured();
    expect(await runWarm(['get', 'pods'])).toBe(3);
    expect(out).toEqual(['a\n']);
    expect(err).toEqual(['w\n']);
  });

  it('leaves the work to the CLI when refused, or when no socket exists', async () => {
    expect(await runWarm(['get', 'pods'])).toBeUndefined();
    await scripted([{ warm: 'refused', why: 'another build' }]);
    expect(await runWarm(['get', 'pods'])).toBeUndefined();
  });

  it('runs it itself when the supervisor goes before printing anything', async () => {
    await scripted([{ warm: 'accepted' }]);
    const { out, err } = captured();
    expect(await runWarm(['get', 'pods'])).toBeUndefined();
    expect([...out, ...err]).toEqual([]);
  });

  it('says so when the supervisor goes after part of the output', async () => {
    await scripted([{ warm: 'accepted' }, { out: 'NAME\n' }]);
    const { err } = captured();
    expect(await runWarm(['get', 'pods'])).toBe(1);
    expect(err).toEqual(['error: the supervisor stopped while it ran this command\n']);
  });

  it('does not wait for a supervisor that gives no verdict', async () => {
    await scripted([], 'hang');
    const started = Date.now();
    expect(await runWarm(['get', 'pods'])).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('never asks for a verb that is not a warm one', async () => {
    await scripted([{ warm: 'accepted' }, { exit: 0 }]);
    expect(await runWarm(['apply', '-f', 'x.yaml'])).toBeUndefined();
  });
});
