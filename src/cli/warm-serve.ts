// The supervisor's side of the warm path: run a read verb for a CLI process, in this
// process, its output streamed back over the connection (src/cli/stdio.ts keeps each
// request's output apart). The supervisor's daemon entry plugs this in; it refuses
// what the CLI process would not have run the same way (another build, other
// PODRUN_*/DOCKER_* settings, a verb that is not a warm one), and the CLI then does
// the work itself.
import { Writable } from 'node:stream';
import type { WarmCliReply, WarmCliRequest } from '../supervisor/protocol.js';
import { buildProgram } from './main.js';
import { reportError } from './report-error.js';
import { withStdio } from './stdio.js';
import { envDifference, warmEligible, warmEnv } from './warm.js';

/** The supervisor's build, taken when it started (the code it has loaded). */
export interface WarmHost {
  build: string;
}

export function refusal(request: WarmCliRequest, host: WarmHost): string | undefined {
  if (request.build !== host.build) return 'another build';
  if (!Array.isArray(request.argv) || !warmEligible(request.argv)) return 'not a warm verb';
  return envDifference(request.env ?? {}, warmEnv());
}

/** Run the request's verb; every reply goes to `send`, the exit code last. */
export async function serveWarmCli(
  request: WarmCliRequest,
  host: WarmHost,
  send: (reply: WarmCliReply) => void,
): Promise<void> {
  const why = refusal(request, host);
  if (why) {
    send({ warm: 'refused', why });
    return;
  }
  send({ warm: 'accepted' });
  // Bytes (container logs) travel as base64: a JSON string holds only text.
  const bytes = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      send({ outBase64: Buffer.from(chunk).toString('base64') });
      callback();
    },
  });
  const code = await withStdio(
    {
      out: (text) => send({ out: text }),
      err: (text) => send({ err: text }),
      outStream: () => bytes,
    },
    async () => {
      try {
        await buildProgram({ hosted: true }).parseAsync(request.argv, { from: 'user' });
        return 0;
      } catch (error) {
        // commander has printed its own message (usage errors, unknown options).
        const commander = error as { code?: string; exitCode?: number };
        if (typeof commander.code === 'string' && commander.code.startsWith('commander.'))
          return commander.exitCode ?? 1;
        return reportError(error);
      }
    },
  );
  send({ exit: code });
}

/**
 * Load the warm verbs' modules ahead of the first request (the supervisor calls this
 * a moment after it starts), so that request pays no module loading.
 */
export async function preloadWarmVerbs(): Promise<void> {
  await Promise.all([
    import('./commands/get.js'),
    import('./commands/describe.js'),
    import('./commands/logs.js'),
  ]);
}
