// One TCP connection relayed into a container's network namespace: `docker exec
// <container> /pause relay-tcp HOST PORT` (images/pause/relay.c), its hijacked
// stream piped to a local socket. Both half-closes pass (the relay's frames,
// relay-frames.ts); an error on either side resets the other, as a TCP proxy would.
import type { Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { engine } from './engine.js';
import { encodeFrame, RelayFrameDecoder } from './relay-frames.js';

export interface RelayOutcome {
  /** Both directions ended cleanly. */
  ok: boolean;
  /** Why not, in one line (the relay's stderr, or the engine's error). */
  reason?: string;
}

/**
 * Relay `local` to HOST:PORT as seen from inside `containerId` (which must run
 * podrun's pause binary: see pauseHasRelay). Resolves when the exec has ended and
 * `local` is ended or reset; never rejects.
 */
export async function relayTcp(
  containerId: string,
  host: string,
  port: number,
  local: Socket,
): Promise<RelayOutcome> {
  const stdin = new PassThrough();
  const decoder = new RelayFrameDecoder();
  const errors: Buffer[] = [];
  let localGone = false;
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const part of decoder.push(chunk)) {
        if (localGone) break;
        if ('eof' in part) local.end();
        else local.write(part.data);
      }
      done();
    },
  });
  const stderr = new Writable({
    write(chunk: Buffer, _encoding, done) {
      errors.push(chunk);
      done();
    },
  });

  const onData = (data: Buffer) => {
    if (!stdin.write(encodeFrame(data))) {
      local.pause();
      stdin.once('drain', () => local.resume());
    }
  };
  // The client half-closed: say so, and keep stdin open for the answer.
  const onEnd = () => stdin.write(encodeFrame());
  // The client is gone: raw EOF tells the relay to reset the app's connection and exit.
  const onClose = () => {
    localGone = true;
    stdin.end();
  };
  local.on('data', onData);
  local.on('end', onEnd);
  local.on('close', onClose);
  local.on('error', () => undefined); // 'close' follows and does the rest
  local.resume(); // a server with pauseOnConnect holds bytes until now

  let outcome: RelayOutcome;
  try {
    const code = await engine().exec(containerId, {
      Cmd: ['/pause', 'relay-tcp', host, String(port)],
      Tty: false,
      stdin,
      stdout,
      stderr,
    });
    const said = Buffer.concat(errors).toString('utf8').trim().split('\n')[0];
    // A client that left first (reset, or closed before the app answered) is its
    // own choice, not an error of the forward.
    outcome =
      code === 0 && (decoder.eof || localGone)
        ? { ok: true }
        : { ok: false, reason: said || `the relay exited with code ${code}` };
  } catch (error) {
    outcome = { ok: false, reason: (error as Error).message };
  }
  local.off('data', onData);
  local.off('end', onEnd);
  if (!outcome.ok && !localGone) local.resetAndDestroy();
  else if (!localGone) local.end(); // the client ends its side, or has already
  stdin.end();
  return outcome;
}

// Whether a container's /pause is podrun's relay-capable binary, per container.
const relayCache = new Map<string, Promise<boolean>>();
const VERSION_TIMEOUT_MS = 5000;

/**
 * `--version` is the one argument every pause binary (upstream, older podrun)
 * answers and exits on: anything else would make an old one pause forever. Rejects
 * when the engine does not answer in time (not cached: a stalled engine must not
 * hold every later connection of the pod).
 */
export function pauseHasRelay(containerId: string): Promise<boolean> {
  let known = relayCache.get(containerId);
  if (!known) {
    const out = new PassThrough();
    const text: Buffer[] = [];
    out.on('data', (chunk: Buffer) => text.push(chunk));
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `the engine did not run /pause --version within ${VERSION_TIMEOUT_MS / 1000} s`,
            ),
          ),
        VERSION_TIMEOUT_MS,
      );
    });
    const asked = engine()
      .exec(containerId, { Cmd: ['/pause', '--version'], Tty: false, stdout: out, stderr: out })
      .then(() => /\brelay-tcp\b/.test(Buffer.concat(text).toString()));
    known = Promise.race([asked, stalled]).finally(() => clearTimeout(timer));
    // Not known (the container stopped, the engine stalled): ask again next time.
    known.catch(() => relayCache.delete(containerId));
    relayCache.set(containerId, known);
    if (relayCache.size > 1000) relayCache.delete(relayCache.keys().next().value as string);
  }
  return known;
}
