// Run one probe or hook handler once. exec runs in the container itself; tcpSocket
// and httpGet run from the pod's own network namespace through the prober built
// into podrun's pause binary (`docker exec <pause> /pause probe-http ...`), so they
// need no curl/wget/nc in the image and no host→pod-IP routing (Docker Desktop).
// Fallback, when the sandbox runs a pause image without the prober (e.g. the
// upstream registry.k8s.io/pause) or for HTTPS (the static prober has no TLS):
// podrun connects from the host to the pod IP, which works on Linux engines only.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { execCollect } from '../../docker/exec.js';
import type { ProbeHandler } from './spec.js';

export interface ProbeTarget {
  containerId: string;
  sandboxId: string;
  podIP: string;
}

export interface ProbeOutcome {
  ok: boolean;
  output: string;
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000}s`)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Whether the sandbox's /pause is podrun's prober-capable binary (cached per sandbox). */
const proberCache = new Map<string, Promise<boolean>>();

function proberAvailable(sandboxId: string): Promise<boolean> {
  let known = proberCache.get(sandboxId);
  if (!known) {
    // `--version` is the one argument every pause binary (upstream, older podrun)
    // answers and exits on; anything else would make an old one pause forever.
    known = withTimeout(execCollect(sandboxId, ['/pause', '--version']), 5000, 'version')
      .then((result) => result.stdout.includes('probe-http'))
      .catch(() => false);
    proberCache.set(sandboxId, known);
    if (proberCache.size > 1000) proberCache.delete(proberCache.keys().next().value as string);
  }
  return known;
}

async function viaPause(
  target: ProbeTarget,
  args: string[],
  timeoutMs: number,
): Promise<ProbeOutcome | undefined> {
  if (!(await proberAvailable(target.sandboxId))) return undefined;
  try {
    const result = await withTimeout(
      execCollect(target.sandboxId, ['/pause', ...args]),
      timeoutMs + 2000,
      'probe',
    );
    return { ok: result.exitCode === 0, output: (result.stdout || result.stderr).trim() };
  } catch (error) {
    return { ok: false, output: (error as Error).message };
  }
}

function hostTcp(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (outcome: ProbeOutcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () =>
      done({ ok: false, output: `dial tcp ${host}:${port}: i/o timeout` }),
    );
    socket.on('connect', () => done({ ok: true, output: `connected to ${host}:${port}` }));
    socket.on('error', (error) =>
      done({ ok: false, output: `dial tcp ${host}:${port}: ${error.message}` }),
    );
  });
}

function hostHttp(
  handler: Extract<ProbeHandler, { type: 'http' }>,
  host: string,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const client = handler.scheme === 'HTTPS' ? https : http;
  const headers: Record<string, string> = { 'User-Agent': 'kube-probe/podrun', Accept: '*/*' };
  for (const h of handler.headers) headers[h.name] = h.value;
  return new Promise((resolve) => {
    const request = client.request(
      {
        host,
        port: handler.port,
        path: handler.path,
        method: 'GET',
        headers,
        timeout: timeoutMs,
        rejectUnauthorized: false,
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        resolve({ ok: status >= 200 && status < 400, output: `HTTP ${status}` });
      },
    );
    request.on('timeout', () => {
      request.destroy();
      resolve({ ok: false, output: 'request timed out' });
    });
    request.on('error', (error) => resolve({ ok: false, output: error.message }));
    request.end();
  });
}

export async function runHandler(
  handler: ProbeHandler,
  target: ProbeTarget,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  if (handler.type === 'exec') {
    try {
      const result = await withTimeout(
        execCollect(target.containerId, handler.command),
        timeoutMs,
        'command',
      );
      const output = `${result.stdout}${result.stderr}`.trim();
      return { ok: result.exitCode === 0, output: output || `exit code ${result.exitCode}` };
    } catch (error) {
      return { ok: false, output: (error as Error).message };
    }
  }
  const host = handler.host ?? '127.0.0.1';
  if (handler.type === 'tcp') {
    const viaSandbox = await viaPause(
      target,
      ['probe-tcp', host, String(handler.port), String(timeoutMs)],
      timeoutMs,
    );
    return viaSandbox ?? hostTcp(handler.host ?? target.podIP, handler.port, timeoutMs);
  }
  if (handler.scheme === 'HTTP') {
    const args = ['probe-http', host, String(handler.port), handler.path, String(timeoutMs)];
    for (const h of handler.headers) args.push(`${h.name}: ${h.value}`);
    const viaSandbox = await viaPause(target, args, timeoutMs);
    if (viaSandbox) return viaSandbox;
  }
  return hostHttp(handler, handler.host ?? target.podIP, timeoutMs);
}
