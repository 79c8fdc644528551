// Headless Services (clusterIP: None): the namespace's resolver (`/pause --dns`,
// images/pause/dns.c) answering their four names with the Ready pods' IPs, and
// forwarding every other name to Docker's embedded DNS.
//  - The resolver binary on its own, natively on loopback (it is a static Linux
//    binary): answers, NXDOMAIN/NODATA, forwarding with the query ID kept, truncation
//    over UDP and the full answer over TCP, records reloads and incomplete files.
//  - End to end through the CLI with a supervisor of this file's own scope: one backend
//    failing readiness, the names following readiness, publishNotReadyAddresses,
//    ordinary names, a supervisor restart, and the delete paths leaving nothing.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDocker } from '../src/docker/client.js';
import { killContainer } from '../src/docker/containers.js';
import { listPodrunNetworks } from '../src/docker/networks.js';
import { startPods } from '../src/lib/start-pod.js';
import { Labels } from '../src/plan/labels.js';
import { listResolverRecords } from '../src/pod/dns-resolver.js';
import { reapOwner } from '../src/pod/reap-owner.js';
import { findPodRecord, podIPOf } from '../src/pod/records.js';
import { findServiceRecord, listServiceRecords } from '../src/pod/service-records.js';
import { podStatus } from '../src/pod/status.js';
import { deleteServiceRecord } from '../src/services/delete-service.js';
import { stopSupervisor } from '../src/supervisor/launch.js';
import {
  cleanNamespace,
  objectsIn,
  podrun,
  sh,
  TEST_IMAGE,
  testNamespace,
  waitFor,
  writeManifest,
} from './helpers/pods.js';

const ns = testNamespace('hheadless');
const libNs = testNamespace('hheadless-lib');
process.env.PODRUN_SUPERVISOR_SCOPE ??= ns;

// ---------- a DNS client, just enough for the tests ----------

interface Reply {
  id: number;
  flags: number;
  rcode: number;
  answers: Array<{ type: number; ttl: number; data: string }>;
}

function query(name: string, type: number, id = 0x4242, edns?: number): Buffer {
  const labels = name.split('.').filter((label) => label !== '');
  const parts = [Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, edns ? 1 : 0])];
  for (const label of labels) parts.push(Buffer.from([label.length]), Buffer.from(label));
  parts.push(Buffer.from([0, type >> 8, type & 0xff, 0, 1]));
  if (edns) parts.push(Buffer.from([0, 0, 41, edns >> 8, edns & 0xff, 0, 0, 0, 0, 0, 0]));
  return Buffer.concat(parts);
}

function parse(reply: Buffer): Reply {
  const ancount = reply.readUInt16BE(6);
  let pos = 12;
  const skipName = () => {
    while (reply[pos] !== 0) {
      if ((reply[pos]! & 0xc0) === 0xc0) {
        pos += 1;
        break;
      }
      pos += reply[pos]! + 1;
    }
    pos += 1;
  };
  skipName();
  pos += 4;
  const answers: Reply['answers'] = [];
  for (let i = 0; i < ancount; i++) {
    skipName();
    const type = reply.readUInt16BE(pos);
    const ttl = reply.readUInt32BE(pos + 4);
    const length = reply.readUInt16BE(pos + 8);
    const rdata = reply.subarray(pos + 10, pos + 10 + length);
    const data =
      type === 1
        ? [...rdata].join('.')
        : type === 28
          ? (rdata.toString('hex').match(/.{4}/g) ?? []).join(':')
          : rdata.toString('hex');
    answers.push({ type, ttl, data });
    pos += 10 + length;
  }
  const flags = reply.readUInt16BE(2);
  return { id: reply.readUInt16BE(0), flags, rcode: flags & 0xf, answers };
}

function udpAsk(port: number, message: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no UDP answer'));
    }, 2000);
    socket.on('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(parse(reply));
    });
    socket.send(message, port, '127.0.0.1');
  });
}

function tcpAsk(port: number, message: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    socket.setTimeout(2000, () => socket.destroy(new Error('no TCP answer')));
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0)) {
        socket.end();
        resolve(parse(data.subarray(2, 2 + data.readUInt16BE(0))));
      }
    });
    const length = Buffer.from([message.length >> 8, message.length & 0xff]);
    socket.write(Buffer.concat([length, message]));
  });
}

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm' };

describe('the resolver binary (`/pause --dns`), natively on loopback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podrun-dns-'));
  const records = join(dir, 'records');
  let child: ChildProcess;
  let port = 0;
  let upstreamPort = 0;
  const upstream = createSocket('udp4');
  const forwarded: Buffer[] = [];

  function writeRecords(text: string): void {
    writeFileSync(`${records}.tmp`, text);
    renameSync(`${records}.tmp`, records);
  }

  beforeAll(async () => {
    execFileSync('bash', ['scripts/build-pause.sh'], { stdio: 'ignore' });
    // A fake upstream: answers every query with one A record 192.0.2.1, its ID kept.
    upstream.on('message', (message, from) => {
      forwarded.push(message);
      const reply = Buffer.concat([
        message.subarray(0, 2),
        Buffer.from([0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]),
        message.subarray(12),
        Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]),
      ]);
      upstream.send(reply, from.port, from.address);
    });
    await new Promise<void>((resolve) => upstream.bind(0, '127.0.0.1', resolve));
    upstreamPort = upstream.address().port;
    const many = Array.from({ length: 40 }, (_, i) => `10.1.0.${i + 1}`).join(' ');
    writeRecords(
      `podrun-dns 1\nname web.shop.svc.cluster.local 10.0.0.5 10.0.0.6 fd00::1\nname empty\nname many ${many}\nend\n`,
    );
    // A free port for UDP and TCP alike: ask the kernel, then let the resolver take it.
    port = await new Promise<number>((resolve) => {
      const probe = createSocket('udp4');
      probe.bind(0, '127.0.0.1', () => {
        const chosen = probe.address().port;
        probe.close(() => resolve(chosen));
      });
    });
    const binary = `images/pause/bin/pause-linux-${ARCH[process.arch] ?? process.arch}`;
    child = spawn(
      binary,
      ['--dns', records, '--listen', String(port), '--upstream', `127.0.0.1:${upstreamPort}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    await waitFor('the resolver to answer', () => udpAsk(port, query('empty', 1)).then(() => true));
  });

  afterAll(() => {
    child?.kill('SIGTERM');
    upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a listed name itself: A, AAAA, any case, a trailing dot, TTL 5, authoritative', async () => {
    const a = await udpAsk(port, query('WEB.shop.svc.cluster.local.', 1, 0x1234));
    expect(a.id).toBe(0x1234);
    expect(a.rcode).toBe(0);
    expect(a.flags & 0x8400).toBe(0x8400); // QR and AA
    expect(a.answers).toEqual([
      { type: 1, ttl: 5, data: '10.0.0.5' },
      { type: 1, ttl: 5, data: '10.0.0.6' },
    ]);
    const aaaa = await udpAsk(port, query('web.shop.svc.cluster.local', 28));
    expect(aaaa.answers).toEqual([
      { type: 28, ttl: 5, data: 'fd00:0000:0000:0000:0000:0000:0000:0001' },
    ]);
    expect(forwarded).toEqual([]);
  });

  it('says NXDOMAIN for a listed name without addresses, NODATA for a type it has none of', async () => {
    const empty = await udpAsk(port, query('empty', 1));
    expect(empty.rcode).toBe(3);
    expect(empty.answers).toEqual([]);
    const txt = await udpAsk(port, query('web.shop.svc.cluster.local', 16));
    expect(txt.rcode).toBe(0);
    expect(txt.answers).toEqual([]);
    expect(forwarded).toEqual([]);
  });

  it('forwards any other name unchanged but for the ID, and relays the reply with the client ID', async () => {
    const sent = query('db-0.other.example', 1, 0x7777);
    const reply = await udpAsk(port, sent);
    expect(reply.id).toBe(0x7777);
    expect(reply.answers).toEqual([{ type: 1, ttl: 60, data: '192.0.2.1' }]);
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0]!.subarray(2)).toEqual(sent.subarray(2));
  });

  it('cuts a UDP answer to 512 bytes with TC set; TCP and a large EDNS size get every address', async () => {
    const udp = await udpAsk(port, query('many', 1));
    expect(udp.flags & 0x0200).toBe(0x0200);
    expect(udp.answers.length).toBeGreaterThan(0);
    expect(udp.answers.length).toBeLessThan(40);
    const tcp = await tcpAsk(port, query('many', 1));
    expect(tcp.flags & 0x0200).toBe(0);
    expect(tcp.answers.map((answer) => answer.data)).toEqual(
      Array.from({ length: 40 }, (_, i) => `10.1.0.${i + 1}`),
    );
    const edns = await udpAsk(port, query('many', 1, 1, 1232));
    expect(edns.answers).toHaveLength(40);
  });

  it('applies a rewritten file on SIGHUP, and keeps the records when a file is incomplete', async () => {
    writeRecords('podrun-dns 1\nname web.shop.svc.cluster.local 10.0.0.9\nend\n');
    child.kill('SIGHUP');
    await waitFor('the new records', async () => {
      const reply = await udpAsk(port, query('web.shop.svc.cluster.local', 1));
      return reply.answers.length === 1 && reply.answers[0]!.data === '10.0.0.9';
    });
    writeRecords('podrun-dns 1\nname web.shop.svc.cluster.local 10.0.0.1\n');
    child.kill('SIGHUP');
    // The next re-read (250 ms) has long passed when the resolver answers this: still the old one.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const reply = await udpAsk(port, query('web.shop.svc.cluster.local', 1));
    expect(reply.answers.map((answer) => answer.data)).toEqual(['10.0.0.9']);
  });
});

// ---------- end to end ----------

function pod(name: string, labels: string, extra = ''): string {
  return `apiVersion: v1
kind: Pod
metadata: { name: ${name}, labels: { ${labels} } }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: c
      image: ${TEST_IMAGE}
      command: [sleep, '3600']
${extra}`;
}

const READINESS = `      readinessProbe:
        exec: { command: [test, -f, /tmp/ready] }
        periodSeconds: 1
        failureThreshold: 1
        timeoutSeconds: 10
`;

function headlessService(name: string, extra = ''): string {
  return `apiVersion: v1
kind: Service
metadata: { name: ${name} }
spec:
  clusterIP: None
  selector: { app: db }
  ports: [{ port: 5432 }]
${extra}`;
}

const FRONT = `apiVersion: v1
kind: Service
metadata: { name: front }
spec:
  selector: { app: db }
  ports: [{ port: 80 }]
`;

/** The addresses `nslookup NAME` prints for the name (after the server's own lines), sorted. */
async function lookup(name: string): Promise<string[]> {
  const out = await sh(ns, 'client', 'c', `nslookup ${name} 2>&1 || true`);
  const answer = out.split('\n').slice(2).join('\n');
  return [...answer.matchAll(/^Address:\s+(\S+)$/gm)].map((m) => m[1]!).sort();
}

function names(service: string): string[] {
  return [
    service,
    `${service}.${ns}`,
    `${service}.${ns}.svc`,
    `${service}.${ns}.svc.cluster.local`,
  ];
}

async function apply(name: string, yaml: string) {
  return podrun(['apply', '-f', writeManifest(ns, name, yaml), '-n', ns]);
}

async function ipOf(name: string): Promise<string> {
  const record = await findPodRecord(ns, name);
  if (!record) throw new Error(`pod ${name} not found`);
  return podIPOf(record);
}

const ip = { a: '', b: '' };

describe('a headless Service end to end', () => {
  beforeAll(async () => {
    // Applied while the namespace has no headless Service: no resolver for it.
    const early = await apply('early', pod('early', 'role: early'));
    expect(early.code).toBe(0);
    const result = await apply(
      'base',
      [
        headlessService('db'),
        headlessService('db-all', '  publishNotReadyAddresses: true\n'),
        FRONT,
        pod('db-a', 'app: db'),
        pod('db-b', 'app: db', READINESS),
        pod('client', 'role: client'),
      ].join('---\n'),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    await waitFor('db-b running, not ready', async () =>
      (await podrun(['get', 'pods', 'db-b', '-n', ns])).stdout.includes('0/1     Running'),
    );
    ip.a = await ipOf('db-a');
    ip.b = await ipOf('db-b');
  });

  afterAll(async () => {
    await stopSupervisor();
    await cleanNamespace(ns);
    for (const record of await listServiceRecords({ namespace: ns }))
      await deleteServiceRecord(record);
    await cleanNamespace(ns);
  });

  it('resolves all four names to the Ready pod only, from a pod naming the resolver', async () => {
    const [resolver] = await listResolverRecords(ns);
    expect(resolver?.state).toBe('running');
    expect(await sh(ns, 'client', 'c', 'grep ^nameserver /etc/resolv.conf')).toBe(
      `nameserver ${resolver?.ip}`,
    );
    for (const name of names('db')) {
      expect(
        await waitFor(name, async () => {
          const got = await lookup(name);
          return got.length === 1 ? got : undefined;
        }),
      ).toEqual([ip.a]);
    }
  });

  it('with publishNotReadyAddresses, resolves to the not-ready pod too', async () => {
    for (const name of names('db-all'))
      expect(await lookup(name), name).toEqual([ip.a, ip.b].sort());
  });

  it('still resolves ordinary names: another pod, a ClusterIP Service, the client itself', async () => {
    const front = await findServiceRecord(ns, 'front');
    expect(front?.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    for (const name of names('front')) expect(await lookup(name), name).toEqual([front?.clusterIP]);
    expect(await lookup('db-a')).toEqual([ip.a]);
    expect(await lookup('client')).toEqual([await ipOf('client')]);
  });

  it('follows readiness both ways, and goes on doing so after a supervisor restart', async () => {
    await sh(ns, 'db-b', 'c', 'touch /tmp/ready');
    const passed = Date.now();
    for (const name of names('db')) {
      await waitFor(`${name}: both pods`, async () => (await lookup(name)).length === 2, 30_000);
      expect(await lookup(name), name).toEqual([ip.a, ip.b].sort());
    }
    console.log(`readiness pass reached the resolver after ${Date.now() - passed} ms`);

    await stopSupervisor();
    // The resolver answers without a supervisor, from the last records written.
    expect(await lookup('db')).toEqual([ip.a, ip.b].sort());
    await podrun(['supervisor', 'start']);
    // The new supervisor keeps db-b Ready from the old one's probe memory, as the
    // kubelet keeps Ready across its own restart, so db never loses db-b. Without the
    // memory its first endpoints step, before any probe of its own, dropped db-b for a
    // moment (the lookups below saw it in 2 runs of 2).
    expect((await podrun(['get', 'pods', 'db-b', '-n', ns])).stdout).toContain('1/1     Running');
    for (const _ of Array.from({ length: 20 })) {
      expect(await lookup('db')).toEqual([ip.a, ip.b].sort());
    }
    await sh(ns, 'db-b', 'c', 'rm /tmp/ready');
    await waitFor('db-b gone from db', async () => (await lookup('db')).length === 1, 30_000);
    for (const name of names('db')) expect(await lookup(name), name).toEqual([ip.a]);
  });

  it('leaves a pod applied before the first headless Service on the engine resolver', async () => {
    expect(await sh(ns, 'early', 'c', 'cat /etc/resolv.conf')).toMatch(
      /^nameserver 127\.0\.0\.11$/m,
    );
    expect(await sh(ns, 'early', 'c', 'nslookup db 2>&1 || true')).toContain(
      "can't find db: NXDOMAIN",
    );
    expect(await sh(ns, 'early', 'c', 'nslookup db-a 2>&1 || true')).toContain(`Address: ${ip.a}`);
  });

  it('a rebuilt sandbox names the resolver again, at its address after a restart', async () => {
    const [resolver] = await listResolverRecords(ns);
    const before = await findPodRecord(ns, 'client');
    const oldSandbox = before!.sandbox!.Id;
    // As an engine restart leaves them: the resolver stopped, the sandbox gone.
    await (await getDocker()).getContainer(resolver!.containerId).stop({ t: 0 });
    await killContainer(oldSandbox);
    await waitFor(
      'a new client sandbox',
      async () => {
        const record = await findPodRecord(ns, 'client');
        if (!record?.sandbox || record.sandbox.Id === oldSandbox) return false;
        return podStatus(record).status === 'Running';
      },
      30_000,
    );
    const [again] = await listResolverRecords(ns);
    expect(again?.state).toBe('running');
    expect(await sh(ns, 'client', 'c', 'grep ^nameserver /etc/resolv.conf')).toBe(
      `nameserver ${again?.ip}`,
    );
    expect(
      await waitFor('db after the rebuild', async () => {
        const got = await lookup('db');
        return got.length === 1 ? got : undefined;
      }),
    ).toEqual([ip.a]);
  });

  it('a Service made headless no more resolves to its new proxy at once', async () => {
    const changed = await apply('front-headless', headlessService('front'));
    expect(changed.code).toBe(0);
    await waitFor('front headless', async () => (await lookup('front')).length === 1);
    expect(await lookup('front')).toEqual([ip.a]);
    const back = await apply('front-again', FRONT);
    expect(back.code).toBe(0);
    const front = await findServiceRecord(ns, 'front');
    expect(front?.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    for (const name of names('front')) expect(await lookup(name), name).toEqual([front?.clusterIP]);
  });

  it('a deleted headless Service resolves no more; the last delete takes the resolver and network', async () => {
    expect((await podrun(['delete', 'svc', 'db', '-n', ns])).code).toBe(0);
    const out = await sh(ns, 'client', 'c', 'nslookup db 2>&1 || true');
    expect(out).toContain("can't find db: NXDOMAIN");
    expect(await lookup('db-all')).toEqual([ip.a, ip.b].sort());
    // Pods first: the remaining headless Service keeps the resolver (and the network).
    await cleanNamespace(ns);
    expect(await listResolverRecords(ns)).toHaveLength(1);
    for (const record of await listServiceRecords({ namespace: ns }))
      await deleteServiceRecord(record);
    expect(await listResolverRecords(ns)).toEqual([]);
    expect(await objectsIn(ns)).toBe(0);
    expect(await listPodrunNetworks({ [Labels.namespace]: ns })).toEqual([]);
  });
});

describe('library headless Services', () => {
  afterAll(async () => {
    await cleanNamespace(libNs);
    for (const record of await listServiceRecords({ namespace: libNs })) {
      await deleteServiceRecord(record);
    }
  });

  it("resolve through the process's own endpoints loop; the group's delete and the reaper leave nothing", async () => {
    const manifest = [
      headlessService('db'),
      pod('db-a', 'app: db'),
      pod('client', 'role: client'),
    ].join('---\n');
    const group = await startPods(manifest, { namespace: libNs });
    try {
      const name = group.service('db').name;
      const backend = await findPodRecord(libNs, group.get('db-a').name);
      const expected = [podIPOf(backend!)];
      const client = group.get('client').name;
      for (const form of [name, `${name}.${libNs}`, `${name}.${libNs}.svc.cluster.local`]) {
        const got = await waitFor(form, async () => {
          const out = await sh(libNs, client, 'c', `nslookup ${form} 2>&1 || true`);
          const found = [
            ...out
              .split('\n')
              .slice(2)
              .join('\n')
              .matchAll(/^Address:\s+(\S+)$/gm),
          ];
          return found.length > 0 ? found.map((m) => m[1]) : undefined;
        });
        expect(got, form).toEqual(expected);
      }
    } finally {
      await group.delete();
    }
    expect(await objectsIn(libNs)).toBe(0);
    expect(await listPodrunNetworks({ [Labels.namespace]: libNs })).toEqual([]);

    const again = await startPods(manifest, { namespace: libNs });
    expect(await listResolverRecords(libNs)).toHaveLength(1);
    // What the watchdog runs when the test process dies.
    await reapOwner(again.service('db').owner!);
    expect(await objectsIn(libNs)).toBe(0);
    expect(await listPodrunNetworks({ [Labels.namespace]: libNs })).toEqual([]);
    await again.delete();
  });
});
