// Hand a Service proxy its config. A running proxy with a control channel takes it
// over one TCP connection to its address (images/pause/proxy-control.c: ~2 ms, and
// it answers once the config is saved and in force). Otherwise, or when the channel
// does not answer, one put_archive of the file (no exec; it works on a created
// container before its start and on a remote engine) and, for a running proxy, a
// SIGHUP so that it applies the file now rather than at its next 250 ms re-read.
// The file's `end` line keeps the proxy from applying the half-written file the
// engine's extraction briefly leaves.
import { connect } from 'node:net';
import { basename, dirname } from 'node:path';
import { log } from '../log.js';
import type { ProxyControl } from '../plan/service-proxy.js';
import { tarOf } from './archive.js';
import { killContainer } from './containers.js';
import { engine } from './engine.js';

export interface ProxyTarget {
  containerId: string;
  /** The config file's path in the container (plan/service-proxy.ts proxyConfigPathOf). */
  configPath: string;
  /** Running: a file write is followed by a SIGHUP. */
  running: boolean;
  /** The proxy's address and control channel, when it has both. */
  control?: ProxyControl & { ip: string };
}

/** How the config got there. */
export type ProxyWrite = 'control' | 'file';

/** Long enough for a busy 2-core host; a proxy that is not reachable fails at once. */
const CONTROL_TIMEOUT_MS = 1000;
/** Once the channel timed out, this process uses the file (the host cannot reach proxies). */
let controlUnreachable = false;

export async function writeProxyConfig(target: ProxyTarget, text: string): Promise<ProxyWrite> {
  if (target.control && target.running && !controlUnreachable) {
    const answer = await sendOverControl(target.control, text);
    if (answer === 'ok') return 'control';
    if (answer === 'timeout') controlUnreachable = true;
    log().debug(
      `proxy ${target.containerId.slice(0, 12)}: control channel: ${answer}; writing the file`,
    );
  }
  const tar = await tarOf([
    {
      path: basename(target.configPath),
      contentBase64: Buffer.from(text).toString('base64'),
      mode: 0o644,
    },
  ]);
  // Only the file's entry: a directory entry would give the directory to root, and
  // the proxy could no longer save a config taken over its channel.
  await engine().putArchive(target.containerId, tar, { path: dirname(target.configPath) });
  if (target.running) await killContainer(target.containerId, 'SIGHUP');
  return 'file';
}

/** The proxy's one-line answer: 'ok', 'timeout', or why not. Never rejects. */
function sendOverControl(control: ProxyControl & { ip: string }, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: control.ip, port: control.port });
    let answer = '';
    let done = false;
    const finish = (result: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish('timeout'), CONTROL_TIMEOUT_MS);
    socket.setNoDelay(true);
    socket.on('connect', () => {
      socket.end(`podrun-proxy-control ${control.token}\n${text}`);
    });
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
    });
    socket.on('end', () => finish(answer.trim() || 'no answer'));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
  });
}
