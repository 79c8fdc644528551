// The built CLI as a child process the test can signal while it runs (Ctrl-C,
// SIGKILL at a chosen moment), with its output and exit collected. The exit code of
// a process that died by a signal is reported as a shell does: 128 + the signal's
// number (SIGINT 130, SIGKILL 137).
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';

export interface CliExit {
  args: string[];
  code: number;
  /** The signal that ended the process, when one did. */
  signal?: NodeJS.Signals;
  stdout: string;
  stderr: string;
  /** Date.now() when the process was spawned and when it had exited. */
  startedAt: number;
  exitedAt: number;
}

export interface CliRun {
  args: string[];
  child: ChildProcess;
  /** True once the process has exited (a signal sent now would reach nobody). */
  readonly exited: boolean;
  done: Promise<CliExit>;
  /** What the process has written to stdout so far. */
  stdout(): string;
  /** Send a signal if the process still runs; true if it was sent. */
  signal(name: NodeJS.Signals): boolean;
}

export function startPodrun(args: string[], env: Record<string, string> = {}): CliRun {
  const startedAt = Date.now();
  const child = spawn('node', ['bin/podrun.js', ...args], {
    env: { ...process.env, PODRUN_LOG_LEVEL: process.env.PODRUN_LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exited = false;
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<CliExit>((resolve, reject) => {
    child.on('error', reject);
    // 'close': the process has exited and its pipes are drained.
    child.on('close', (code, signal) => {
      exited = true;
      resolve({
        args,
        code: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0),
        signal: signal ?? undefined,
        stdout,
        stderr,
        startedAt,
        exitedAt: Date.now(),
      });
    });
  });
  child.on('exit', () => {
    exited = true;
  });
  return {
    args,
    child,
    get exited() {
      return exited;
    },
    done,
    stdout: () => stdout,
    signal(name) {
      if (exited) return false;
      return child.kill(name);
    },
  };
}
