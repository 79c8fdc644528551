import { describe, expect, it } from 'vitest';
import { planPod } from './plan-pod.js';
import { podHostname } from './sandbox.js';
import { makeInput, makePod } from './testing.js';

describe('sandbox', () => {
  it('is the pause container owning network and IPC, never revived alone', () => {
    const plan = planPod(makeInput(makePod()));
    const { sandbox } = plan;
    expect(sandbox.role).toBe('sandbox');
    expect(sandbox.name).toBe('POD');
    expect(sandbox.dockerName).toBe('podrun_default_web_POD_0');
    expect(sandbox.create.name).toBe('podrun_default_web_POD_0');
    expect(sandbox.create.Image).toBe('podrun/pause:0.1.0');
    expect(sandbox.create.Entrypoint).toBeUndefined();
    expect(sandbox.create.Hostname).toBe('web');
    expect(sandbox.create.HostConfig).toMatchObject({
      NetworkMode: 'podrun_default',
      IpcMode: 'shareable',
      ShmSize: 64 * 1024 * 1024,
      RestartPolicy: { Name: 'no' },
      Init: false,
    });
    expect(sandbox.create.NetworkingConfig).toEqual({
      EndpointsConfig: { podrun_default: { Aliases: ['web'] } },
    });
  });

  it('carries the pod labels and the manifest', () => {
    const pod = makePod();
    const { sandbox, specHash } = planPod(
      makeInput(pod, { extraLabels: { 'io.podrun.owner': 's1' } }),
    );
    expect(sandbox.create.Labels).toEqual({
      'io.podrun.managed': 'true',
      'io.podrun.role': 'sandbox',
      'io.podrun.version': '0.1.0',
      'io.podrun.namespace': 'default',
      'io.podrun.pod': 'web',
      'io.podrun.container': 'POD',
      'io.podrun.pod-uid': '00000000-0000-4000-8000-000000000001',
      'io.podrun.spec-hash': specHash,
      'io.podrun.attempt': '0',
      'io.podrun.owner': 's1',
      'io.podrun.pod-manifest': JSON.stringify(pod),
    });
  });

  it('truncates long pod names to a 63-character hostname as the kubelet', () => {
    const long = `${'a'.repeat(62)}-bbbb`;
    expect(podHostname(long, { containers: [] })).toBe('a'.repeat(62));
    expect(podHostname('x', { containers: [], hostname: 'custom' })).toBe('custom');
  });

  it('hostname + subdomain: Domainname gives the FQDN line in /etc/hosts, aliases for other pods', () => {
    const plan = planPod(
      makeInput(makePod({ hostname: 'db-0', subdomain: 'db' }, 'db-0x', 'prod')),
    );
    expect(plan.sandbox.create.Hostname).toBe('db-0');
    expect(plan.sandbox.create.Domainname).toBe('db.prod.svc.cluster.local');
    expect(plan.sandbox.create.NetworkingConfig?.EndpointsConfig?.podrun_prod?.Aliases).toEqual([
      'db-0x',
      'db-0.db',
      'db-0.db.prod.svc.cluster.local',
    ]);
  });

  it('setHostnameAsFQDN makes the FQDN the hostname', () => {
    const plan = planPod(makeInput(makePod({ subdomain: 'svc', setHostnameAsFQDN: true })));
    expect(plan.sandbox.create.Hostname).toBe('web.svc.default.svc.cluster.local');
    expect(plan.sandbox.create.Domainname).toBeUndefined();
  });

  it('hostAliases become ExtraHosts', () => {
    const plan = planPod(
      makeInput(
        makePod({
          hostAliases: [
            { ip: '10.0.0.1', hostnames: ['foo.local', 'bar.local'] },
            { ip: '10.0.0.2', hostnames: ['baz'] },
          ],
        }),
      ),
    );
    expect(plan.sandbox.create.HostConfig?.ExtraHosts).toEqual([
      'foo.local:10.0.0.1',
      'bar.local:10.0.0.1',
      'baz:10.0.0.2',
    ]);
  });

  it('leaves DNS off the sandbox: podrun writes the pod resolv.conf; None requires dnsConfig', () => {
    const plan = planPod(
      makeInput(makePod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'] } })),
    );
    const host = plan.sandbox.create.HostConfig;
    expect(host?.Dns).toBeUndefined();
    expect(host?.DnsSearch).toBeUndefined();
    expect(host?.DnsOptions).toBeUndefined();
    expect(host?.Mounts).toContainEqual(
      expect.objectContaining({ Source: 'podrun_default_web_POD-dns', Type: 'volume' }),
    );
    expect(() => planPod(makeInput(makePod({ dnsPolicy: 'None' })))).toThrow(
      /dnsConfig is required/,
    );
  });

  it('puts net and IPC sysctls on the sandbox, others on the containers', () => {
    const plan = planPod(
      makeInput(
        makePod({
          securityContext: {
            sysctls: [
              { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' },
              { name: 'kernel.shm_rmid_forced', value: '1' },
              { name: 'kernel.sem', value: '250 32000 100 128' },
              { name: 'fs.mqueue.msg_max', value: '20' },
              { name: 'kernel.domainname', value: 'example' },
            ],
          },
        }),
      ),
    );
    expect(plan.sandbox.create.HostConfig?.Sysctls).toEqual({
      'net.ipv4.ip_unprivileged_port_start': '0',
      'kernel.shm_rmid_forced': '1',
      'kernel.sem': '250 32000 100 128',
      'fs.mqueue.msg_max': '20',
    });
    expect(plan.containers[0]?.create.HostConfig?.Sysctls).toEqual({
      'kernel.domainname': 'example',
    });
  });

  it('follows sandboxAttempt in its name and in the joiners', () => {
    const plan = planPod(makeInput(makePod(), { sandboxAttempt: 2 }));
    expect(plan.sandbox.dockerName).toBe('podrun_default_web_POD_2');
    expect(plan.containers[0]?.create.HostConfig?.NetworkMode).toBe(
      'container:podrun_default_web_POD_2',
    );
  });
});

describe('network', () => {
  it('is one labelled bridge per namespace', () => {
    expect(planPod(makeInput(makePod({}, 'web', 'team-a'))).network).toEqual({
      name: 'podrun_team-a',
      create: {
        Name: 'podrun_team-a',
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: {
          'io.podrun.managed': 'true',
          'io.podrun.role': 'network',
          'io.podrun.version': '0.1.0',
          'io.podrun.namespace': 'team-a',
        },
      },
    });
  });
});
