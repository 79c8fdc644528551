// The Service proxy's data path (`/pause --proxy`, images/pause/proxy.c) on the real
// engine: two busybox httpd backends and a client on one network, the proxy between
// them under a Service-like alias, its endpoint list rewritten through put_archive
// as the supervisor will. Busybox here has no UDP netcat, so UDP goes through the
// proxy to the engine's DNS server as the endpoint, asked with nslookup.
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureImages, TEST_BUSYBOX } from '../scripts/build-images.js';
import { readFile } from '../src/docker/archive.js';
import { getDocker } from '../src/docker/client.js';
import { execCollect } from '../src/docker/exec.js';
import { writeProxyConfig } from '../src/docker/service-proxy.js';
import { PROXY_CONFIG_PATH, renderProxyConfig } from '../src/plan/service-proxy.js';
import { EngineTracker, uniqueName } from './helpers/engine.js';
import { ProxyContainer } from './helpers/proxy.js';

const engine = new EngineTracker('service-proxy.test');
const CONTROL_PORT = 65001;
const TOKEN = randomBytes(24).toString('hex');
const network = uniqueName('podrun-test-svcproxy');
const SVC = 'web-svc';
let docker: Docker;
let client: Docker.Container;
let proxy: ProxyContainer;
const ip: Record<'a' | 'b', string> = { a: '', b: '' };
const names: Record<'a' | 'b', string> = { a: uniqueName('backend-a'), b: uniqueName('backend-b') };

// Backend NAME: httpd on 8080 answering its name, and an echo server on 7000.
function backend(name: string, answer: string): Docker.ContainerCreateOptions {
  const script = [
    'set -e',
    'mkdir -p /www',
    `echo ${answer} > /www/index.html`,
    'nc -ll -p 7000 -e cat &',
    'exec httpd -f -p 8080 -h /www',
  ].join('\n');
  return {
    Image: TEST_BUSYBOX,
    name,
    Cmd: ['sh', '-c', script],
    HostConfig: { NetworkMode: network },
  };
}

async function sh(script: string) {
  return execCollect(client.id, ['sh', '-c', script]);
}

const GET = "printf 'GET / HTTP/1.0\\r\\n\\r\\n'";

/**
 * N HTTP/1.0 requests through the Service name with busybox nc (the fixture's
 * static wget crashes with -T here): nc half-closes after the request, so each
 * one also crosses the proxy's shutdown propagation. Each line is the answering
 * backend's name, or FAIL:<nc's error>.
 */
async function requests(n: number): Promise<string[]> {
  const result = await sh(
    `for i in $(seq ${n}); do out=$(${GET} | nc ${SVC} 80 2>&1) && echo "$out" | tail -n 1 || echo "FAIL:$out"; done`,
  );
  return result.stdout.trim().split('\n');
}

function tally(lines: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of lines) counts[line] = (counts[line] ?? 0) + 1;
  return counts;
}

const http = (...endpoints: Array<[string, number]>) => ({
  protocol: 'TCP' as const,
  port: 80,
  endpoints: endpoints.map(([address, port]) => ({ ip: address, port })),
});

beforeAll(async () => {
  docker = await getDocker();
  await buildFixtureImages(() => {});
  await docker.createNetwork({ Name: network, Labels: engine.labels });
  for (const key of ['a', 'b'] as const) {
    const container = await engine.run(backend(names[key], key.toUpperCase()));
    ip[key] = (await container.inspect()).NetworkSettings.Networks[network]?.IPAddress ?? '';
  }
  client = await engine.run({
    Image: TEST_BUSYBOX,
    name: uniqueName('client'),
    Cmd: ['sleep', '3600'],
    HostConfig: { NetworkMode: network },
  });
  // Both backends answer directly before the proxy is asked to use them.
  for (const key of ['a', 'b'] as const) {
    const ready = await sh(
      `until ${GET} | nc ${ip[key]} 8080 2>/dev/null | grep -q 200 && nc ${ip[key]} 7000 </dev/null; do sleep 0.1; done`,
    );
    expect(ready.exitCode).toBe(0);
  }
  proxy = await ProxyContainer.start(engine, {
    name: uniqueName('svc-proxy'),
    network,
    aliases: [SVC],
    config: renderProxyConfig([
      http([ip.a, 8080], [ip.b, 8080]),
      { protocol: 'TCP', port: 7000, endpoints: [{ ip: ip.a, port: 7000 }] },
    ]),
    // As podrun makes its proxies: configs go over the control channel.
    control: { port: CONTROL_PORT, token: TOKEN },
  });
});

afterAll(async () => {
  await engine.cleanup();
  await docker
    ?.getNetwork(network)
    .remove()
    .catch(() => {});
});

describe('service proxy (pause --proxy)', () => {
  it('spreads 20 requests round robin over both backends', async () => {
    const counts = tally(await requests(20));
    console.log(`20 requests, both endpoints: ${JSON.stringify(counts)}`);
    expect(counts).toEqual({ A: 10, B: 10 });
  });

  it('sends nothing to an endpoint removed from the config, without a client error', async () => {
    await proxy.configure(renderProxyConfig([http([ip.a, 8080])]));
    const counts = tally(await requests(20));
    console.log(`20 requests, B removed: ${JSON.stringify(counts)}`);
    expect(counts).toEqual({ A: 20 });
  });

  it('skips an endpoint that refuses and serves the client from the next', async () => {
    // B's address on a port nothing listens on: the connect is refused at once.
    await proxy.configure(renderProxyConfig([http([ip.b, 8081], [ip.a, 8080])]));
    const counts = tally(await requests(20));
    console.log(`20 requests, one endpoint refusing: ${JSON.stringify(counts)}`);
    expect(counts).toEqual({ A: 20 });
    expect(await proxy.count(/connect .*:8081: Connection refused/)).toBeGreaterThan(0);
  });

  it('keeps the config in force when the new one is broken or incomplete', async () => {
    const before = await proxy.count(/keeping the current config/);
    await writeRaw('podrun-proxy 1\nlisten tcp 80\nto not-an-ip 8080\nend\n');
    await proxy.waitFor(/:3: endpoint must be a numeric IPv4 or IPv6 address/, 1);
    await writeRaw('podrun-proxy 1\nlisten tcp 80\n'); // a writer still at it: no end line
    await proxy.waitFor(/incomplete: no end line/, 1);
    expect(await proxy.count(/keeping the current config/)).toBeGreaterThanOrEqual(before + 2);
    expect(tally(await requests(4))).toEqual({ A: 4 });
  });

  it('refuses connections at once while a port has no endpoints', async () => {
    await proxy.configure(renderProxyConfig([http()]));
    const lines = await requests(3);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^FAIL:.*Connection refused/);
  });

  it('keeps an established connection through a reload that removes its port', async () => {
    await proxy.configure(
      renderProxyConfig([
        http([ip.a, 8080]),
        { protocol: 'TCP', port: 7000, endpoints: [{ ip: ip.a, port: 7000 }] },
      ]),
    );
    // One connection: "before" now, "after" once /tmp/go exists; the echo comes back.
    // /tmp/done records nc's exit (its parent waits for it: PID 1 here reaps nothing).
    const talk = '(echo before; until [ -e /tmp/go ]; do sleep 0.1; done; echo after)';
    const started = await sh(
      `rm -f /tmp/go /tmp/out /tmp/done; (${talk} | nc ${SVC} 7000 >/tmp/out 2>&1; echo "nc exit $?" >/tmp/done) </dev/null >/dev/null 2>&1 & echo started`,
    );
    expect(started.stdout).toContain('started');
    expect(
      (await sh('until grep -q before /tmp/out; do sleep 0.1; done; cat /tmp/out')).stdout,
    ).toBe('before\n');
    // Port 7000 leaves the config: no listener any more, new connections are refused...
    await proxy.configure(renderProxyConfig([http([ip.a, 8080])]));
    const fresh = await sh(`echo x | nc ${SVC} 7000; echo "exit $?"`);
    expect(fresh.stdout + fresh.stderr).toMatch(/refused|exit 1/);
    // ...while the established one still carries bytes both ways.
    const out = await sh(
      'touch /tmp/go; until [ -e /tmp/done ]; do sleep 0.1; done; cat /tmp/out /tmp/done',
    );
    expect(out.stdout).toBe('before\nafter\nnc exit 0\n');
  });

  it('forwards UDP and sends the replies from the service address', async () => {
    // The endpoint is the engine's DNS server in the proxy's own network namespace.
    await proxy.configure(
      renderProxyConfig([
        http([ip.a, 8080]),
        { protocol: 'UDP', port: 53, endpoints: [{ ip: '127.0.0.11', port: 53 }] },
      ]),
    );
    const proxyIp = await proxy.ip(network);
    // busybox nslookup uses a connected UDP socket: an answer from any other address
    // than the one it asked would be dropped.
    const answer = await sh(`nslookup ${names.b} ${proxyIp}`);
    expect(answer.stdout).toContain(`Server:\t\t${proxyIp}`);
    expect(answer.stdout).toContain(ip.b);
    // No UDP endpoints: the port is closed, the lookup fails.
    await proxy.configure(renderProxyConfig([http([ip.a, 8080])]));
    const refused = await sh(`nslookup ${names.b} ${proxyIp}`);
    expect(refused.exitCode).not.toBe(0);
  });

  it('takes a config over its control channel, saved to its file', async () => {
    const text = renderProxyConfig([http([ip.b, 8080])]);
    await proxy.configure(text);
    expect(proxy.lastWrite).toBe('control');
    expect(await readFile(proxy.container.id, PROXY_CONFIG_PATH)).toBe(text);
    expect(tally(await requests(4))).toEqual({ B: 4 });
  });

  it('refuses a control request without its token, from a pod on the network', async () => {
    const proxyIp = await proxy.ip(network);
    const forged = renderProxyConfig([http([ip.a, 8080])]);
    for (const token of ['0'.repeat(48), TOKEN.slice(0, -1), `${TOKEN}0`, '']) {
      const sent = await sh(
        `printf 'podrun-proxy-control ${token}\n${forged.replaceAll('\n', '\\n')}' | nc ${proxyIp} ${CONTROL_PORT}`,
      );
      expect(sent.stdout).toBe('error: refused\n');
    }
    expect(await proxy.count(/control: refused a request without this proxy's token/)).toBe(4);
    expect(tally(await requests(4))).toEqual({ B: 4 });
    // podrun with a wrong token is refused too, and falls back to the file.
    await proxy.configure(renderProxyConfig([http([ip.a, 8080], [ip.b, 8080])]), {
      port: CONTROL_PORT,
      token: 'f'.repeat(48),
    });
    expect(proxy.lastWrite).toBe('file');
    expect(tally(await requests(4))).toEqual({ A: 2, B: 2 });
  });

  it('answers why a config it was handed does not parse, and keeps the one in force', async () => {
    const proxyIp = await proxy.ip(network);
    const sent = await sh(
      `printf 'podrun-proxy-control ${TOKEN}\npodrun-proxy 1\nlisten tcp 80\nto 10.0.0.1 0\nend\n' | nc ${proxyIp} ${CONTROL_PORT}`,
    );
    expect(sent.stdout).toMatch(/^error: .*proxy\.conf:3: .*port/);
    expect(tally(await requests(4))).toEqual({ A: 2, B: 2 });
  });

  it('starts again from the last config its channel took', async () => {
    const text = renderProxyConfig([http([ip.a, 8080])]);
    await proxy.configure(text);
    expect(proxy.lastWrite).toBe('control');
    const applied = await proxy.count(/: applied: /);
    await proxy.container.restart({ t: 0 });
    await proxy.waitFor(/: applied: /, applied + 1);
    expect(tally(await requests(4))).toEqual({ A: 4 });
  });

  it('stops on SIGTERM at once with exit code 0', async () => {
    await proxy.container.stop({ t: 10 });
    expect((await proxy.container.inspect()).State.ExitCode).toBe(0);
  });
});

/** Write the file as it is, with no SIGHUP: the proxy's 250 ms re-read finds it. */
async function writeRaw(text: string): Promise<void> {
  await writeProxyConfig(
    { containerId: proxy.container.id, configPath: PROXY_CONFIG_PATH, running: false },
    text,
  );
}
