// The container-level fields of a Pod, checked inside real containers: env and the
// downward API, resources as cgroup settings, securityContext, volumes' details,
// pod-level DNS/hosts/hostname, a shared PID namespace and sysctls.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectContainer } from '../src/docker/containers.js';
import { containerInstance } from '../src/pod/containers-of.js';
import { findPodRecord } from '../src/pod/records.js';
import { podStatus } from '../src/pod/status.js';
import {
  applyYaml,
  cleanNamespace,
  execInPod,
  sh,
  TEST_IMAGE,
  testNamespace,
} from './helpers/pods.js';

const ns = testNamespace('spec');
const hostDir = mkdtempSync(join(tmpdir(), 'podrun-hostpath-'));
writeFileSync(join(hostDir, 'from-host.txt'), 'host-content\n');

const pod = `
apiVersion: v1
kind: Pod
metadata:
  name: spec-pod
  labels:
    tier: backend
  annotations:
    team: platform
spec:
  terminationGracePeriodSeconds: 1
  hostname: box
  subdomain: group
  shareProcessNamespace: true
  hostAliases:
    - ip: 10.1.2.3
      hostnames: [db.internal, cache.internal]
  dnsPolicy: None
  dnsConfig:
    nameservers: [1.1.1.1]
    searches: [example.test]
    options:
      - name: ndots
        value: "2"
  securityContext:
    sysctls:
      - name: net.ipv4.ip_local_port_range
        value: "30000 31000"
  volumes:
    - name: labels
      downwardAPI:
        items:
          - path: labels
            fieldRef: { fieldPath: metadata.labels }
    - name: host
      hostPath: { path: ${hostDir}, type: Directory }
    - name: created
      hostPath: { path: ${hostDir}/made-by-podrun, type: DirectoryOrCreate }
    - name: fast
      emptyDir: { medium: Memory, sizeLimit: 16Mi }
    - name: work
      emptyDir: {}
  containers:
    - name: main
      image: ${TEST_IMAGE}
      command: ["sleep", "3600"]
      env:
        - { name: POD_NAME, valueFrom: { fieldRef: { fieldPath: metadata.name } } }
        - { name: POD_NAMESPACE, valueFrom: { fieldRef: { fieldPath: metadata.namespace } } }
        - { name: POD_IP, valueFrom: { fieldRef: { fieldPath: status.podIP } } }
        - { name: TIER, valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } }
        - { name: MEM_LIMIT, valueFrom: { resourceFieldRef: { resource: limits.memory, divisor: 1Mi } } }
        - { name: GREETING, value: "hello $(POD_NAME) from $(TIER), $$(kept)" }
      resources:
        requests: { cpu: 250m, memory: 32Mi }
        limits: { cpu: 500m, memory: 64Mi }
      volumeMounts:
        - { name: labels, mountPath: /etc/podinfo }
        - { name: host, mountPath: /host, readOnly: true }
        - { name: created, mountPath: /created }
        - { name: fast, mountPath: /fast }
        - { name: work, mountPath: /work/sub, subPath: nested/dir }
    - name: locked
      image: ${TEST_IMAGE}
      command: ["sleep", "3600"]
      securityContext:
        runAsUser: 1000
        runAsGroup: 1000
        readOnlyRootFilesystem: true
        allowPrivilegeEscalation: false
        capabilities:
          drop: [ALL]
      volumeMounts:
        - { name: fast, mountPath: /fast }
        - { name: work, mountPath: /work }
`;

beforeAll(async () => {
  await applyYaml(pod, ns);
});

afterAll(async () => {
  await cleanNamespace(ns);
  rmSync(hostDir, { recursive: true, force: true });
});

describe('env and the downward API', () => {
  it('fills fieldRef, resourceFieldRef and $(VAR) expansion', async () => {
    const record = await findPodRecord(ns, 'spec-pod');
    const ip = podStatus(record!).podIP;
    expect(await sh(ns, 'spec-pod', 'main', 'echo $POD_NAME/$POD_NAMESPACE/$TIER/$MEM_LIMIT')).toBe(
      `spec-pod/${ns}/backend/64`,
    );
    expect(await sh(ns, 'spec-pod', 'main', 'echo $POD_IP')).toBe(ip);
    expect(await sh(ns, 'spec-pod', 'main', 'echo "$GREETING"')).toBe(
      'hello spec-pod from backend, $(kept)',
    );
  });

  it('writes a downwardAPI volume', async () => {
    expect(await sh(ns, 'spec-pod', 'main', 'cat /etc/podinfo/labels')).toBe('tier="backend"');
  });
});

describe('resources and securityContext', () => {
  it('map requests and limits to cgroup settings with no swap', async () => {
    const record = await findPodRecord(ns, 'spec-pod');
    const info = await inspectContainer(containerInstance(record!, 'main').Id);
    expect(info!.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(info!.HostConfig.MemorySwap).toBe(64 * 1024 * 1024);
    expect(info!.HostConfig.CpuQuota).toBe(50_000);
    expect(info!.HostConfig.CpuPeriod).toBe(100_000);
    expect(info!.HostConfig.CpuShares).toBe(256);
  });

  it('runs as the given user with a read-only root and no capabilities', async () => {
    expect(await sh(ns, 'spec-pod', 'locked', 'id -u; id -g')).toBe('1000\n1000');
    expect(
      (await execInPod(ns, 'spec-pod', 'locked', ['touch', '/rootfs-file'])).exitCode,
    ).not.toBe(0);
    expect(
      await sh(ns, 'spec-pod', 'locked', "grep CapEff /proc/self/status | awk '{print $2}'"),
    ).toBe('0000000000000000');
    expect(
      await sh(ns, 'spec-pod', 'locked', "grep NoNewPrivs /proc/self/status | awk '{print $2}'"),
    ).toBe('1');
  });
});

describe('volumes', () => {
  it('mount hostPath read-only and create DirectoryOrCreate paths', async () => {
    expect(await sh(ns, 'spec-pod', 'main', 'cat /host/from-host.txt')).toBe('host-content');
    expect((await execInPod(ns, 'spec-pod', 'main', ['touch', '/host/x'])).exitCode).not.toBe(0);
    await sh(ns, 'spec-pod', 'main', 'echo made > /created/file');
    expect(await sh(ns, 'spec-pod', 'main', 'ls /created')).toBe('file');
  });

  it('share a memory-backed emptyDir (tmpfs) between containers', async () => {
    expect(await sh(ns, 'spec-pod', 'main', "grep ' /fast ' /proc/mounts | awk '{print $3}'")).toBe(
      'tmpfs',
    );
    await sh(ns, 'spec-pod', 'locked', 'echo from-locked > /fast/note');
    expect(await sh(ns, 'spec-pod', 'main', 'cat /fast/note')).toBe('from-locked');
  });

  it('mount a subPath of an emptyDir that a non-root container can write', async () => {
    await sh(ns, 'spec-pod', 'main', 'echo in-sub > /work/sub/file');
    expect(await sh(ns, 'spec-pod', 'locked', 'cat /work/nested/dir/file')).toBe('in-sub');
    await sh(ns, 'spec-pod', 'locked', 'echo by-1000 > /work/owned');
  });
});

describe('pod-level settings', () => {
  it('sets hostname, subdomain FQDN, hostAliases and DNS for every container', async () => {
    expect(await sh(ns, 'spec-pod', 'main', 'hostname')).toBe('box');
    const hosts = await sh(ns, 'spec-pod', 'locked', 'cat /etc/hosts');
    expect(hosts).toMatch(/^10\.1\.2\.3\s+db\.internal$/m);
    expect(hosts).toMatch(/^10\.1\.2\.3\s+cache\.internal$/m);
    expect(hosts).toContain(`box.group.${ns}.svc.cluster.local`);
    // dnsPolicy None: exactly dnsConfig, no cluster DNS (src/plan/dns.ts; test/dns.test.ts).
    const resolv = await execInPod(ns, 'spec-pod', 'locked', ['cat', '/etc/resolv.conf']);
    expect(resolv.stdout).toBe('nameserver 1.1.1.1\nsearch example.test\noptions ndots:2\n');
  });

  it('shares one PID namespace with shareProcessNamespace', async () => {
    const processes = await sh(ns, 'spec-pod', 'locked', 'ps -o pid,comm');
    expect(processes).toMatch(/^\s*1\s+pause$/m);
    expect(processes.match(/sleep/g)?.length).toBe(2);
  });

  it('applies namespaced sysctls', async () => {
    expect(await sh(ns, 'spec-pod', 'main', 'cat /proc/sys/net/ipv4/ip_local_port_range')).toMatch(
      /^30000\s+31000$/,
    );
  });
});
