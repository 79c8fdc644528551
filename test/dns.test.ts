// dnsPolicy and dnsConfig as the kubelet forms /etc/resolv.conf, read inside real
// containers: exactly dnsConfig under None, the engine's file merged with dnsConfig
// under ClusterFirst, one file for every container of the pod (init containers and
// a rebuilt sandbox included), and pod names still resolving through the engine's
// embedded DNS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killContainer } from '../src/docker/containers.js';
import { findPodRecord } from '../src/pod/records.js';
import { podStatus } from '../src/pod/status.js';
import {
  cleanNamespace,
  execInPod,
  sh,
  TEST_IMAGE,
  testNamespace,
  waitFor,
} from './helpers/pods.js';
import { type SupervisedNamespace, superviseNamespace } from './helpers/supervised.js';

const ns = testNamespace('dns');
let supervised: SupervisedNamespace;

const NONE_FILE =
  'nameserver 192.0.2.1\nnameserver 192.0.2.2\n' +
  'search corp.example svc.corp.example\n' +
  'options ndots:2 edns0 timeout:1\n';

// Two app containers and an init container that saves what it saw.
const nonePod = `
apiVersion: v1
kind: Pod
metadata: { name: exact }
spec:
  terminationGracePeriodSeconds: 1
  dnsPolicy: None
  dnsConfig:
    nameservers: [192.0.2.1, 192.0.2.2]
    searches: [corp.example, svc.corp.example]
    options:
      - { name: ndots, value: "2" }
      - { name: edns0 }
      - { name: timeout, value: "1" }
  volumes: [{ name: seen, emptyDir: {} }]
  initContainers:
    - name: init
      image: ${TEST_IMAGE}
      command: [sh, -c, 'cp /etc/resolv.conf /seen/init']
      volumeMounts: [{ name: seen, mountPath: /seen }]
  containers:
    - name: main
      image: ${TEST_IMAGE}
      command: [sleep, '3600']
      volumeMounts: [{ name: seen, mountPath: /seen }]
    - name: side
      image: ${TEST_IMAGE}
      command: [sleep, '3600']
`;

// A pod on the engine's own file, to learn the base podrun merges with.
const plainPod = `
apiVersion: v1
kind: Pod
metadata: { name: server }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: main
      image: ${TEST_IMAGE}
      command: [sh, -c, 'mkdir -p /www && echo server-page > /www/index.html && exec httpd -f -p 8080 -h /www']
`;

const mergedPod = `
apiVersion: v1
kind: Pod
metadata: { name: client }
spec:
  terminationGracePeriodSeconds: 1
  dnsConfig:
    nameservers: [127.0.0.11, 192.0.2.53]
    searches: [extra.example]
    options:
      - { name: ndots, value: "5" }
      - { name: edns0 }
  containers:
    - name: main
      image: ${TEST_IMAGE}
      command: [sleep, '3600']
    - name: side
      image: ${TEST_IMAGE}
      command: [sleep, '3600']
`;

async function resolvConf(pod: string, container: string): Promise<string> {
  const result = await execInPod(ns, pod, container, ['cat', '/etc/resolv.conf']);
  expect(result.exitCode).toBe(0);
  return result.stdout;
}

async function running(pod: string): Promise<void> {
  await waitFor(`${pod} running`, async () => {
    const record = await findPodRecord(ns, pod);
    return record !== undefined && podStatus(record).status === 'Running';
  });
}

beforeAll(async () => {
  supervised = await superviseNamespace(ns, 400);
  await supervised.apply(`${nonePod}---${plainPod}---${mergedPod}`);
  await Promise.all(['exact', 'server', 'client'].map(running));
});

afterAll(async () => {
  await supervised?.stop();
  await cleanNamespace(ns);
});

describe('dnsPolicy None', () => {
  it('gives every container exactly dnsConfig, byte for byte', async () => {
    expect(await resolvConf('exact', 'main')).toBe(NONE_FILE);
    expect(await resolvConf('exact', 'side')).toBe(NONE_FILE);
    const init = await execInPod(ns, 'exact', 'main', ['cat', '/seen/init']);
    expect(init.stdout).toBe(NONE_FILE);
  });

  it('keeps the file when the sandbox is rebuilt', async () => {
    const before = await findPodRecord(ns, 'exact');
    const oldSandbox = before!.sandbox!.Id;
    await killContainer(oldSandbox);
    await waitFor('a new sandbox', async () => {
      const record = await findPodRecord(ns, 'exact');
      if (!record?.sandbox || record.sandbox.Id === oldSandbox) return false;
      return podStatus(record).status === 'Running';
    });
    expect(await resolvConf('exact', 'main')).toBe(NONE_FILE);
    expect(await resolvConf('exact', 'side')).toBe(NONE_FILE);
  });
});

describe('ClusterFirst with dnsConfig', () => {
  it('is the engine file merged with dnsConfig, the same in every container', async () => {
    // The engine's file: its embedded DNS, the host's search domains and options
    // (Docker adds ndots:0). dnsConfig appends, drops duplicates, overrides ndots.
    const engine = await resolvConf('server', 'main');
    expect(engine).toMatch(/^nameserver 127\.0\.0\.11$/m);
    const line = (keyword: string) =>
      new RegExp(`^${keyword} (.*)$`, 'm').exec(engine)?.[1]?.split(' ') ?? [];
    const searches = [...line('search'), 'extra.example'];
    const options = line('options').map((option) =>
      option.startsWith('ndots:') ? 'ndots:5' : option,
    );
    if (!options.includes('ndots:5')) options.push('ndots:5');
    if (!options.includes('edns0')) options.push('edns0');
    const expected =
      'nameserver 127.0.0.11\nnameserver 192.0.2.53\n' +
      `search ${searches.join(' ')}\n` +
      `options ${options.join(' ')}\n`;
    expect(await resolvConf('client', 'main')).toBe(expected);
    expect(await resolvConf('client', 'side')).toBe(expected);
  });

  it('still resolves other pods by name', async () => {
    // busybox nc, not wget: the fixture's static wget crashes (exit 139) on this engine.
    const reply = await waitFor('server serving', async () =>
      sh(ns, 'client', 'main', 'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 5 server 8080'),
    );
    expect(reply).toMatch(/\r\n\r\nserver-page$/);
  });
});
