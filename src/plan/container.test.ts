import { describe, expect, it } from 'vitest';
import { PlanError } from './errors.js';
import { defaultPullPolicy, imageTag } from './image.js';
import { planContainer, planPod } from './plan-pod.js';
import { makeInput, makePod, podWith } from './testing.js';

const FORBIDDEN_ON_JOINERS = ['Hostname', 'Domainname', 'MacAddress', 'ExposedPorts'] as const;
const FORBIDDEN_HOST_CONFIG = [
  'Dns',
  'DnsSearch',
  'DnsOptions',
  'ExtraHosts',
  'PortBindings',
] as const;

describe('app and init containers', () => {
  const pod = makePod({
    hostname: 'h',
    subdomain: 's',
    hostAliases: [{ ip: '10.0.0.1', hostnames: ['x'] }],
    dnsConfig: { nameservers: ['1.1.1.1'] },
    shareProcessNamespace: true,
    initContainers: [
      { name: 'migrate', image: 'tool:2' },
      { name: 'seed', image: 'tool:2' },
      { name: 'proxy', image: 'envoy:1', restartPolicy: 'Always' },
    ],
    containers: [
      {
        name: 'main',
        image: 'nginx',
        ports: [{ containerPort: 80, hostPort: 8080 }],
        tty: true,
        stdin: true,
        stdinOnce: true,
        workingDir: '/srv',
      },
    ],
  });
  const plan = planPod(makeInput(pod));

  it('join the sandbox namespaces and set nothing Docker rejects there', () => {
    for (const container of [...plan.initContainers, ...plan.containers]) {
      const hc = container.create.HostConfig!;
      expect(hc.NetworkMode).toBe('container:podrun_default_web_POD_0');
      expect(hc.IpcMode).toBe('container:podrun_default_web_POD_0');
      expect(hc.PidMode).toBe('container:podrun_default_web_POD_0');
      expect(hc.RestartPolicy).toEqual({ Name: 'no' });
      for (const key of FORBIDDEN_ON_JOINERS) expect(container.create[key]).toBeUndefined();
      for (const key of FORBIDDEN_HOST_CONFIG) expect(hc[key]).toBeUndefined();
      expect(container.create.NetworkingConfig).toBeUndefined();
    }
  });

  it('plans init containers in order with role init, keeping the spec for lifecycle', () => {
    expect(plan.initContainers.map((c) => [c.name, c.role, c.dockerName])).toEqual([
      ['migrate', 'init', 'podrun_default_web_migrate_0'],
      ['seed', 'init', 'podrun_default_web_seed_0'],
      ['proxy', 'init', 'podrun_default_web_proxy_0'],
    ]);
    expect(plan.initContainers[2]?.spec?.restartPolicy).toBe('Always');
    expect(plan.containers[0]?.spec).toBe(pod.spec?.containers[0]);
  });

  it('sets stdin/tty, working dir, labels and stop timeout', () => {
    const main = plan.containers[0]!;
    expect(main.create).toMatchObject({
      name: 'podrun_default_web_main_0',
      Image: 'nginx',
      Tty: true,
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      WorkingDir: '/srv',
      StopTimeout: 30,
    });
    expect(main.create.Labels).toEqual({
      'io.podrun.managed': 'true',
      'io.podrun.role': 'app',
      'io.podrun.version': '0.1.0',
      'io.podrun.namespace': 'default',
      'io.podrun.pod': 'web',
      'io.podrun.container': 'main',
      'io.podrun.pod-uid': '00000000-0000-4000-8000-000000000001',
      'io.podrun.spec-hash': plan.specHash,
      'io.podrun.attempt': '0',
    });
    expect(plan.initContainers[0]?.create.Labels?.['io.podrun.role']).toBe('init');
    expect(main.create.Labels?.['io.podrun.pod-manifest']).toBeUndefined();
  });

  it('uses terminationGracePeriodSeconds as the stop timeout', () => {
    const quick = planPod(makeInput(makePod({ terminationGracePeriodSeconds: 3 })));
    expect(quick.containers[0]?.create.StopTimeout).toBe(3);
  });
});

describe('image pull policy', () => {
  it.each([
    ['nginx', 'latest', 'Always'],
    ['nginx:latest', 'latest', 'Always'],
    ['nginx:1.27', '1.27', 'IfNotPresent'],
    ['localhost:5000/app', 'latest', 'Always'],
    ['localhost:5000/app:v1', 'v1', 'IfNotPresent'],
    ['nginx@sha256:abc', '', 'IfNotPresent'],
    ['nginx:1.27@sha256:abc', '', 'IfNotPresent'],
  ])('%s → tag %s, %s', (image, tag, policy) => {
    expect(imageTag(image)).toBe(tag);
    expect(defaultPullPolicy(image)).toBe(policy);
  });

  it('keeps an explicit policy', () => {
    const plan = planPod(makeInput(podWith({ image: 'app:latest', imagePullPolicy: 'Never' })));
    expect(plan.containers[0]?.imagePullPolicy).toBe('Never');
  });
});

describe('planContainer', () => {
  it('plans one container again with a new attempt', () => {
    const pod = podWith({ env: [{ name: 'A', value: '1' }] });
    const input = makeInput(pod);
    const again = planContainer(input, pod.spec!.containers[0]!, 'app', 3);
    expect(again.dockerName).toBe('podrun_default_web_main_3');
    expect(again.attempt).toBe(3);
    expect(again.create.Labels?.['io.podrun.attempt']).toBe('3');
    const first = planPod(input).containers[0]!;
    expect({ ...again.create, name: first.create.name, Labels: first.create.Labels }).toEqual(
      first.create,
    );
  });

  it('rejects a container that is not in the pod', () => {
    const pod = podWith({});
    expect(() => planContainer(makeInput(pod), { name: 'ghost', image: 'x' }, 'app', 1)).toThrow(
      PlanError,
    );
  });
});
