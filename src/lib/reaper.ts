// A reaper that needs no image or registry: one detached watchdog process per owner
// session (src/lib/watchdog.ts). The test process keeps the write end of the
// watchdog's stdin pipe open, unreferenced, for its whole life; the kernel closes it
// however the process ends, even on SIGKILL, and the watchdog then removes every
// object labelled io.podrun.owner=<session>. It exits after cleaning, so it never
// outlives its owner by more than a few seconds.
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

let starting: Promise<ChildProcess> | undefined;
let startedFor: string | undefined;

const READY_TIMEOUT_MS = 15_000;

/** How to run the watchdog: compiled JS directly, TypeScript sources through tsx. */
function watchdogCommand(): string[] {
  const fromSource = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(
    new URL(fromSource ? './watchdog.ts' : './watchdog.js', import.meta.url),
  );
  if (!fromSource) return [script];
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return ['--import', pathToFileURL(tsx).href, script];
}

function launch(owner: string): Promise<ChildProcess> {
  const logFile = process.env.PODRUN_REAPER_LOG;
  const stderr = logFile ? openSync(logFile, 'a') : 'ignore';
  const child = spawn(process.execPath, [...watchdogCommand(), owner], {
    detached: true,
    stdio: ['pipe', 'pipe', stderr],
    env: process.env,
  });
  return new Promise<ChildProcess>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error('timed out')), READY_TIMEOUT_MS);
    timer.unref();
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`podrun reaper could not start: ${error.message}`));
    };
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`watchdog exited with code ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('ready\n')) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.removeAllListeners('error');
      child.on('error', () => {});
      // A watchdog that died early (killed by hand) is replaced at the next start.
      child.once('exit', () => {
        if (startedFor === owner) starting = undefined;
      });
      child.stdin?.on('error', () => {});
      child.stdout?.destroy();
      // Neither the process handle nor the pipe may keep the test process alive.
      (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
      child.unref();
      resolve(child);
    });
  });
}

/** Start this session's watchdog once; resolves when it is ready to clean up. */
export async function ensureReaper(owner: string): Promise<void> {
  if (starting && startedFor === owner) {
    await starting;
    return;
  }
  startedFor = owner;
  starting = launch(owner);
  try {
    await starting;
  } catch (error) {
    starting = undefined;
    throw error;
  }
}
