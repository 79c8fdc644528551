// podrun port-forward through the CLI, as a user runs it: the connection is relayed
// from inside the pod's network namespace (an exec of /pause relay-tcp in the
// sandbox), so it reaches an httpd bound to 127.0.0.1 in the pod that the host
// cannot reach; it outlives a delete and re-apply of its pod (the target is found
// again per connection); svc/NAME maps the Service port to the named targetPort;
// deploy/NAME picks a Ready pod; `:REMOTE` prints the port it picked; Ctrl-C exits
// 0 as kubectl does; a bad target, port or taken port is one line and exit 1.
import { request } from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDocker } from '../src/docker/client.js';
import { listPodrunNetworks } from '../src/docker/networks.js';
import { ensurePauseImage } from '../src/docker/pause-image.js';
import { Labels } from '../src/plan/labels.js';
import { findPodRecord, podIPOf } from '../src/pod/records.js';
import { listServiceRecords } from '../src/pod/service-records.js';
import { deleteServiceRecord } from '../src/services/delete-service.js';
import { type CliRun, startPodrun } from './helpers/cli-process.js';
import { freePort } from './helpers/net.js';
import { objectsIn, podrun, TEST_IMAGE, waitFor, writeManifest } from './helpers/pods.js';
import { scopedNamespace } from './helpers/supervised.js';

const { ns, ok, cleanUp } = scopedNamespace('pfwd');
const running = new Set<CliRun>();

// The pods' pause image: this checkout's binary, which has relay-tcp, under a tag of
// this file's own. The pinned podrun/pause:<version> is shared with every checkout
// on the engine, and one whose binary has no relay rebuilds it under a running test.
// Every CLI run (and the supervisor it starts) inherits the variable.
const PAUSE_TAG = 'podrun-test/pause:port-forward';
process.env.PODRUN_PAUSE_IMAGE = await ensurePauseImage({
  image: '',
  localTag: PAUSE_TAG,
  registryImage: '127.0.0.1:9/none:0',
});

afterAll(async () => {
  for (const run of running) run.signal('SIGKILL');
  await cleanUp();
  for (const record of await listServiceRecords({ namespace: ns }))
    await deleteServiceRecord(record);
  expect(await objectsIn(ns)).toBe(0);
  expect(await listPodrunNetworks({ [Labels.namespace]: ns })).toEqual([]);
  // Only the tag: the same image may be under another tag a pod still runs.
  await (await getDocker()).getImage(PAUSE_TAG).remove({ force: true, noprune: true });
});

/** An httpd that answers `body`, bound to the pod's 127.0.0.1 only. */
function webPod(name: string, body: string, labels = `{ app: ${name} }`): string {
  return `apiVersion: v1
kind: Pod
metadata: { name: ${name}, labels: ${labels} }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: httpd
      image: ${TEST_IMAGE}
      command: [sh, -c, 'mkdir -p /www && echo ${body} > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www']
      ports: [{ name: http, containerPort: 8080 }]
      readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 }
`;
}

/** `podrun port-forward ARGS -n ns`, once its Forwarding lines are out; their ports. */
async function forward(args: string[], lines = 1): Promise<{ run: CliRun; ports: number[] }> {
  const run = startPodrun(['port-forward', ...args, '-n', ns]);
  running.add(run);
  const forwarding = await waitFor(
    `${lines} Forwarding line(s) of port-forward ${args.join(' ')}`,
    async () => {
      if (run.exited) throw new Error(`exited: ${(await run.done).stderr}`);
      const found = [...run.stdout().matchAll(/^Forwarding from (.+):(\d+) -> (\S+)$/gm)];
      return found.length >= lines && found;
    },
    15_000,
  );
  return { run, ports: forwarding.map((match) => Number(match[2])) };
}

async function stop(run: CliRun) {
  run.signal('SIGINT');
  const exit = await run.done;
  running.delete(run);
  return exit;
}

function get(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', timeout: 10_000 }, (response) => {
      let body = '';
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () => resolve(body.trim()));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** HTTP/1.0 over a raw socket that half-closes after the request (as `nc -N` does). */
function getHalfClosed(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    let text = '';
    socket.on('connect', () => socket.end('GET / HTTP/1.0\r\n\r\n'));
    socket.on('data', (chunk) => {
      text += chunk;
    });
    socket.on('end', () => resolve(text.split('\r\n\r\n')[1]?.trim() ?? ''));
    socket.on('error', reject);
  });
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

const hasIPv6Loopback = await new Promise<boolean>((resolve) => {
  const server = net.createServer();
  server.once('error', () => resolve(false));
  server.listen({ host: '::1', port: 0 }, () => server.close(() => resolve(true)));
});

// The file's fixture pod, removed by afterAll; the tests that make more remove them.
beforeAll(async () => {
  await ok(['apply', '-f', writeManifest(ns, 'lo', webPod('lo', 'inside-lo')), '--wait']);
});

describe.sequential('port-forward', () => {
  it('reaches a server bound to 127.0.0.1 inside the pod, which the host cannot', async () => {
    const record = await findPodRecord(ns, 'lo');
    expect(await canConnect(podIPOf(record!), 8080)).toBe(false);

    const port = await freePort();
    const { run, ports } = await forward(['pod/lo', `${port}:8080`], hasIPv6Loopback ? 2 : 1);
    expect(ports.every((p) => p === port)).toBe(true);
    expect(run.stdout()).toContain(`Forwarding from 127.0.0.1:${port} -> 8080\n`);
    if (hasIPv6Loopback) expect(run.stdout()).toContain(`Forwarding from [::1]:${port} -> 8080\n`);

    const started = Date.now();
    for (let i = 0; i < 5; i++) expect(await get(port)).toBe('inside-lo');
    console.log(`5 requests through the forward: ${(Date.now() - started) / 5} ms each`);
    expect(await getHalfClosed(port)).toBe('inside-lo');
    if (hasIPv6Loopback) expect(await get(port, '::1')).toBe('inside-lo');

    const exit = await stop(run);
    expect(exit.code).toBe(0);
    expect(exit.stdout.match(/^Handling connection for \d+$/gm)).toHaveLength(
      hasIPv6Loopback ? 7 : 6,
    );
    expect(exit.stderr).toBe('');
  });

  it('keeps forwarding when its pod is deleted and applied again between two requests', async () => {
    const { run, ports } = await forward(['pod/lo', ':8080']);
    expect(await get(ports[0]!)).toBe('inside-lo');
    await ok(['delete', 'pod', 'lo']);
    await ok(['apply', '-f', writeManifest(ns, 'lo2', webPod('lo', 'inside-lo-again')), '--wait']);
    expect(await get(ports[0]!)).toBe('inside-lo-again');
    const exit = await stop(run);
    expect(exit.code).toBe(0);
    expect(exit.stderr).toBe('');
  });

  it('reports a connection the pod refuses on one line, and goes on forwarding', async () => {
    const { run, ports } = await forward(['pod/lo', ':9999']);
    await expect(get(ports[0]!)).rejects.toThrow(/socket hang up|ECONNRESET/);
    await expect(get(ports[0]!)).rejects.toThrow(/socket hang up|ECONNRESET/);
    const exit = await stop(run);
    expect(exit.code).toBe(0);
    expect(exit.stderr.trim().split('\n')).toEqual([
      `an error occurred forwarding ${ports[0]} -> 9999: pod lo: connect 127.0.0.1:9999: Connection refused`,
      `an error occurred forwarding ${ports[0]} -> 9999: pod lo: connect 127.0.0.1:9999: Connection refused`,
    ]);
  });

  it('forwards svc/NAME PORT to a Ready endpoint at its named targetPort', async () => {
    await ok([
      'apply',
      '-f',
      writeManifest(
        ns,
        'svc',
        `${webPod('backend', 'from-backend', '{ app: backend }')}---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: backend }
  ports: [{ name: web, port: 80, targetPort: http }]
`,
      ),
      '--wait',
    ]);
    const { run, ports } = await forward(['svc/web', ':80']);
    expect(run.stdout()).toMatch(
      new RegExp(`^Forwarding from 127.0.0.1:${ports[0]} -> 8080$`, 'm'),
    );
    expect(await get(ports[0]!)).toBe('from-backend');
    expect((await stop(run)).code).toBe(0);
    await ok(['delete', 'svc', 'web']);
    await ok(['delete', 'pod', 'backend']);
  });

  it('forwards deploy/NAME to a Ready pod of the Deployment', async () => {
    await ok([
      'apply',
      '-f',
      writeManifest(
        ns,
        'deploy',
        `apiVersion: apps/v1
kind: Deployment
metadata: { name: dep }
spec:
  replicas: 1
  selector: { matchLabels: { app: dep } }
  template:
    metadata: { labels: { app: dep } }
    spec:
      terminationGracePeriodSeconds: 0
      containers:
        - name: httpd
          image: ${TEST_IMAGE}
          command: [sh, -c, 'mkdir -p /www && echo from-deployment > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www']
          ports: [{ name: http, containerPort: 8080 }]
`,
      ),
      '--wait',
    ]);
    const { run, ports } = await forward(['deploy/dep', ':http']);
    expect(await get(ports[0]!)).toBe('from-deployment');
    expect((await stop(run)).code).toBe(0);
    await ok(['delete', 'deployment', 'dep']);
  });

  it(':REMOTE picks a free local port and prints it', async () => {
    const { run, ports } = await forward(['lo', ':8080']);
    expect(ports[0]).toBeGreaterThan(0);
    expect(run.stdout()).toMatch(
      new RegExp(`^Forwarding from 127.0.0.1:${ports[0]} -> 8080$`, 'm'),
    );
    expect(await get(ports[0]!)).toBe('inside-lo-again');
    expect((await stop(run)).code).toBe(0);
  });

  it('fails in one line, exit 1, for a missing target, a bad port and a port in use', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const takenPort = (taken.address() as net.AddressInfo).port;
    try {
      const cases: Array<[string[], string]> = [
        [['pod/nope', '8080'], `error: pods "nope" not found in namespace ${ns}`],
        [['svc/nope', '80'], `error: services "nope" not found in namespace ${ns}`],
        [['deploy/nope', '80'], `error: deployments.apps "nope" not found in namespace ${ns}`],
        [['pod/lo', '8080:nohttp'], "error: Pod 'lo' does not have a named port 'nohttp'"],
        [
          ['pod/lo', 'x:8080'],
          'error: invalid port "x:8080": local port "x" must be a number from 0 to 65535',
        ],
        [
          ['pod/lo', `${takenPort}:8080`, '--address', '127.0.0.1'],
          `error: unable to listen on 127.0.0.1:${takenPort}: address already in use`,
        ],
      ];
      for (const [args, line] of cases) {
        const result = await podrun(['port-forward', ...args, '-n', ns]);
        expect({ args, code: result.code, stderr: result.stderr }).toEqual({
          args,
          code: 1,
          stderr: `${line}\n`,
        });
        expect(result.stdout).toBe('');
      }
    } finally {
      taken.close();
    }
  });
});
