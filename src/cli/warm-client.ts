// The CLI side of the warm path: hand a read verb to the supervisor that already runs
// (its engine client, its caches and the verb modules loaded), print what it streams
// back and exit with its code. Any doubt before the supervisor accepts (no socket, no
// answer, another build or other settings) gives undefined, and the CLI does the work
// itself. This file and what it imports stay small and dependency-free: the CLI
// process loads them before deciding whether to load the rest.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import type { WarmCliReply, WarmCliRequest } from '../supervisor/protocol.js';
import { warmEligible, warmEnv } from './warm.js';

/** How long to wait for the supervisor's verdict before doing the work here. */
const ACCEPT_TIMEOUT_MS = 1000;

/** The verb's exit code when the supervisor ran it; undefined when the CLI must. */
export async function runWarm(args: string[]): Promise<number | undefined> {
  if (process.env.PODRUN_NO_WARM || !warmEligible(args)) return undefined;
  // Loaded only for a warm verb: every other command starts without them.
  const [{ supervisorPaths }, { buildStamp }] = await Promise.all([
    import('../supervisor/paths.js'),
    import('../supervisor/build-stamp.js'),
  ]);
  const socket = supervisorPaths().socket;
  if (!existsSync(socket)) return undefined;
  const request: WarmCliRequest = { op: 'cli', argv: args, env: warmEnv(), build: buildStamp() };
  return new Promise((resolve) => {
    const client = connect(socket);
    let accepted = false;
    let printed = false;
    let settled = false;
    let data = '';
    const finish = (code: number | undefined) => {
      if (settled) return;
      settled = true;
      client.destroy();
      resolve(code);
    };
    // The connection ended before the exit code. Nothing printed yet (the supervisor
    // stopped or handed over first): these verbs only read, so the CLI runs it again
    // itself. Part of the output already out: say so.
    const lost = () => {
      if (settled) return;
      if (!printed) return finish(undefined);
      process.stderr.write('error: the supervisor stopped while it ran this command\n');
      finish(1);
    };
    const timer = setTimeout(() => {
      if (!accepted) finish(undefined);
    }, ACCEPT_TIMEOUT_MS);
    client.on('connect', () => client.write(`${JSON.stringify(request)}\n`));
    client.on('error', lost);
    client.on('close', lost);
    client.on('data', (chunk) => {
      data += chunk.toString('utf8');
      for (let end = data.indexOf('\n'); end >= 0; end = data.indexOf('\n')) {
        const line = data.slice(0, end);
        data = data.slice(end + 1);
        let reply: WarmCliReply;
        try {
          reply = JSON.parse(line) as WarmCliReply;
        } catch {
          return lost();
        }
        if ('warm' in reply) {
          clearTimeout(timer);
          if (reply.warm === 'refused') return finish(undefined);
          accepted = true;
        } else if (!accepted) {
          return finish(undefined);
        } else if ('out' in reply) {
          printed = true;
          process.stdout.write(reply.out);
        } else if ('outBase64' in reply) {
          printed = true;
          process.stdout.write(Buffer.from(reply.outBase64, 'base64'));
        } else if ('err' in reply) {
          printed = true;
          process.stderr.write(reply.err);
        } else if ('exit' in reply) {
          return finish(reply.exit);
        }
      }
    });
  });
}
