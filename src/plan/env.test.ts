import { describe, expect, it } from 'vitest';
import { expand, isEnvVarName } from './env.js';
import { PlanError } from './errors.js';
import { planPod } from './plan-pod.js';
import { b64, makeInput, podWith } from './testing.js';

const vars: Record<string, string> = { A: 'a', EMPTY: '', PATH: '/bin' };
const lookup = (name: string) => vars[name];

describe('expand ($(VAR) as Kubernetes)', () => {
  it.each([
    ['$(A)', 'a'],
    ['x$(A)y', 'xay'],
    ['$(A)$(PATH)', 'a/bin'],
    ['$(EMPTY)', ''],
    ['$(MISSING)', '$(MISSING)'],
    ['$$(A)', '$(A)'],
    ['$$', '$'],
    ['$$$$', '$$'],
    ['$$$(A)', '$a'],
    ['$A', '$A'],
    ['$', '$'],
    ['a$', 'a$'],
    ['$(A', '$(A'],
    ['$()', '$()'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax that Kubernetes must leave alone
    ['${A}', '${A}'],
    ['plain', 'plain'],
  ])('%s → %s', (input, output) => {
    expect(expand(input, lookup)).toBe(output);
  });
});

function envOf(input: Parameters<typeof planPod>[0], index = 0): string[] {
  return planPod(input).containers[index]?.create.Env ?? [];
}

describe('env', () => {
  it('checks names as Kubernetes IsEnvVarName', () => {
    expect(isEnvVarName('FOO_1')).toBe(true);
    expect(isEnvVarName('foo.bar-baz')).toBe(true);
    expect(isEnvVarName('1FOO')).toBe(false);
    expect(isEnvVarName('A B')).toBe(false);
  });

  it('expands literal values against earlier env only', () => {
    const pod = podWith({
      env: [
        { name: 'LATER_REF', value: '$(B)' },
        { name: 'A', value: 'x' },
        { name: 'B', value: '$(A)-$(A)' },
        { name: 'ESC', value: '$$(A)' },
      ],
    });
    expect(envOf(makeInput(pod))).toEqual(['LATER_REF=$(B)', 'A=x', 'B=x-x', 'ESC=$(A)']);
  });

  it('resolves configMapKeyRef and decodes secretKeyRef', () => {
    const pod = podWith({
      env: [
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } },
        { name: 'BIN', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'bin' } } },
        { name: 'PASS', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
      ],
    });
    const input = makeInput(pod, {
      configMaps: { cfg: { data: { mode: 'fast' }, binaryData: { bin: b64('raw') } } },
      secrets: { creds: { data: { password: b64('s3cret $(X)') } } },
    });
    // valueFrom values are not expanded
    expect(envOf(input)).toEqual(['MODE=fast', 'BIN=raw', 'PASS=s3cret $(X)']);
  });

  it('drops optional references that are missing, and reports the others all at once', () => {
    const pod = podWith({
      env: [
        { name: 'A', valueFrom: { configMapKeyRef: { name: 'none', key: 'k', optional: true } } },
        { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'none', optional: true } } },
        { name: 'C', valueFrom: { configMapKeyRef: { name: 'none', key: 'k' } } },
        { name: 'D', valueFrom: { secretKeyRef: { name: 's', key: 'none' } } },
      ],
    });
    const input = makeInput(pod, { secrets: { s: { data: {} } } });
    const error = (() => {
      try {
        planPod(input);
      } catch (e) {
        return e;
      }
    })() as PlanError;
    expect(error).toBeInstanceOf(PlanError);
    expect(error.issues).toEqual([
      {
        path: ['spec', 'containers', 0, 'env', 2, 'valueFrom', 'configMapKeyRef'],
        message: 'configmap "none" not found in namespace default',
      },
      {
        path: ['spec', 'containers', 0, 'env', 3, 'valueFrom', 'secretKeyRef'],
        message: 'key "none" not found in secret "s"',
      },
    ]);
    expect(error.path).toEqual(['spec', 'containers', 0, 'env', 2, 'valueFrom', 'configMapKeyRef']);
    expect(error.message).toContain('spec.containers[0].env[3].valueFrom.secretKeyRef');
    expect(envOf(makeInput(podWith({ env: pod.spec!.containers[0]!.env!.slice(0, 2) })))).toEqual(
      [],
    );
  });

  it('resolves fieldRef downward API fields', () => {
    const fields = [
      'metadata.name',
      'metadata.namespace',
      'metadata.uid',
      "metadata.labels['app']",
      "metadata.annotations['team']",
      "metadata.labels['absent']",
      'spec.nodeName',
      'spec.serviceAccountName',
      'status.podIP',
      'status.hostIP',
    ];
    const pod = podWith({
      env: fields.map((fieldPath, i) => ({
        name: `F${i}`,
        valueFrom: { fieldRef: { fieldPath } },
      })),
    });
    const plan = planPod(makeInput(pod, { podIP: '172.18.0.5' }));
    expect(plan.needsPodIP).toBe(false);
    expect(plan.containers[0]?.create.Env).toEqual([
      'F0=web',
      'F1=default',
      'F2=00000000-0000-4000-8000-000000000001',
      'F3=web',
      'F4=core',
      'F5=',
      'F6=podrun',
      'F7=default',
      'F8=172.18.0.5',
      'F9=172.18.0.5',
    ]);
  });

  it('uses an empty placeholder and sets needsPodIP while the pod IP is unknown', () => {
    const pod = podWith({
      env: [
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'URL', value: 'http://$(IP):80' },
      ],
    });
    const plan = planPod(makeInput(pod));
    expect(plan.needsPodIP).toBe(true);
    expect(plan.containers[0]?.needsPodIP).toBe(true);
    expect(plan.containers[0]?.create.Env).toEqual(['IP=', 'URL=http://:80']);
  });

  it('rejects unsupported fieldRef paths', () => {
    const pod = podWith({
      env: [{ name: 'L', valueFrom: { fieldRef: { fieldPath: 'metadata.labels' } } }],
    });
    expect(() => planPod(makeInput(pod))).toThrow(/unsupported fieldPath "metadata.labels" in env/);
  });

  it('resolves resourceFieldRef with divisors and kubelet rounding', () => {
    const pod = podWith({
      resources: { limits: { cpu: '1500m', memory: '1Gi' } },
      env: [
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        {
          name: 'CPU_M',
          valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } },
        },
        {
          name: 'MEM_MI',
          valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } },
        },
        {
          name: 'REQ_CPU',
          valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } },
        },
        { name: 'REQ_MEM', valueFrom: { resourceFieldRef: { resource: 'requests.memory' } } },
        {
          name: 'REQ_EPH',
          valueFrom: { resourceFieldRef: { resource: 'requests.ephemeral-storage' } },
        },
      ],
    });
    expect(envOf(makeInput(pod))).toEqual([
      'CPU=2',
      'CPU_M=1500',
      'MEM_MI=1024',
      'REQ_CPU=1500', // requests default to limits
      'REQ_MEM=1073741824',
      'REQ_EPH=0',
    ]);
  });

  it('reports the node allocatable for unset limits', () => {
    const pod = podWith({
      env: [
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        {
          name: 'MEM',
          valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } },
        },
      ],
    });
    expect(envOf(makeInput(pod))).toEqual(['CPU=2', 'MEM=4096']);
    const node = { cpuMilli: 8000, memoryBytes: 16 * 1024 ** 3, ephemeralStorageBytes: 0 };
    expect(envOf(makeInput(pod, { nodeAllocatable: node }))).toEqual(['CPU=8', 'MEM=16384']);
  });

  it('applies envFrom with prefix, later sources and explicit env winning', () => {
    const pod = podWith({
      envFrom: [
        { configMapRef: { name: 'cfg' }, prefix: 'CFG_' },
        { secretRef: { name: 'creds' } },
        { configMapRef: { name: 'missing', optional: true } },
      ],
      env: [
        { name: 'USER', value: 'explicit' },
        { name: 'DSN', value: '$(USER)@$(CFG_HOST)' },
      ],
    });
    const input = makeInput(pod, {
      configMaps: { cfg: { data: { HOST: 'db', 'bad key': 'x', PORT: '5432' } } },
      secrets: { creds: { data: { USER: b64('admin'), CFG_PORT: b64('6543') } } },
    });
    const plan = planPod(input);
    expect(plan.containers[0]?.create.Env).toEqual([
      'CFG_HOST=db',
      'CFG_PORT=6543',
      'USER=explicit',
      'DSN=explicit@db',
    ]);
    expect(plan.warnings).toEqual([
      'spec.containers[0].envFrom[0]: skipped keys that are not valid environment variable names: CFG_bad key',
    ]);
  });

  it('reports a missing non-optional envFrom source', () => {
    const pod = podWith({ envFrom: [{ secretRef: { name: 'nope' } }] });
    try {
      planPod(makeInput(pod));
      expect.unreachable();
    } catch (error) {
      expect((error as PlanError).issues[0]?.path).toEqual([
        'spec',
        'containers',
        0,
        'envFrom',
        0,
        'secretRef',
      ]);
    }
  });
});

describe('service links in the environment', () => {
  const services = [
    { name: 'my-db', clusterIP: '10.89.0.9', ports: [{ name: 'pg', port: 5432 }] },
    { name: 'cache', clusterIP: '10.89.0.7', ports: [{ port: 6379, protocol: 'TCP' }] },
    { name: 'raw', clusterIP: 'None', ports: [{ port: 1 }] },
  ];

  it('adds every Service of the namespace after the own env, Services by name', () => {
    const env = envOf(makeInput(podWith({ env: [{ name: 'OWN', value: 'x' }] }), { services }));
    expect(env).toEqual([
      'OWN=x',
      'CACHE_SERVICE_HOST=10.89.0.7',
      'CACHE_SERVICE_PORT=6379',
      'CACHE_PORT=tcp://10.89.0.7:6379',
      'CACHE_PORT_6379_TCP=tcp://10.89.0.7:6379',
      'CACHE_PORT_6379_TCP_PROTO=tcp',
      'CACHE_PORT_6379_TCP_PORT=6379',
      'CACHE_PORT_6379_TCP_ADDR=10.89.0.7',
      'MY_DB_SERVICE_HOST=10.89.0.9',
      'MY_DB_SERVICE_PORT=5432',
      'MY_DB_SERVICE_PORT_PG=5432',
      'MY_DB_PORT=tcp://10.89.0.9:5432',
      'MY_DB_PORT_5432_TCP=tcp://10.89.0.9:5432',
      'MY_DB_PORT_5432_TCP_PROTO=tcp',
      'MY_DB_PORT_5432_TCP_PORT=5432',
      'MY_DB_PORT_5432_TCP_ADDR=10.89.0.9',
    ]);
  });

  it('gives init containers the same variables', () => {
    const plan = planPod(
      makeInput(podWith({}, { initContainers: [{ name: 'wait', image: 'busybox' }] }), {
        services,
      }),
    );
    expect(plan.initContainers[0]?.create.Env).toContain('MY_DB_SERVICE_HOST=10.89.0.9');
  });

  it('lets env and envFrom win over a link of the same name', () => {
    const env = envOf(
      makeInput(
        podWith({
          envFrom: [{ configMapRef: { name: 'cfg' } }],
          env: [{ name: 'MY_DB_SERVICE_PORT', value: '1' }],
        }),
        { services, configMaps: { cfg: { data: { CACHE_SERVICE_HOST: 'mine' } } } },
      ),
    );
    expect(env).toContain('CACHE_SERVICE_HOST=mine');
    expect(env).toContain('MY_DB_SERVICE_PORT=1');
    expect(env).not.toContain('CACHE_SERVICE_HOST=10.89.0.7');
    expect(env.filter((entry) => entry.startsWith('MY_DB_SERVICE_PORT='))).toEqual([
      'MY_DB_SERVICE_PORT=1',
    ]);
  });

  it('expands $(VAR) against the own variables first, then the links', () => {
    const plan = planPod(
      makeInput(
        podWith({
          command: ['sh', '-c', 'echo $(MY_DB_SERVICE_HOST)'],
          env: [
            { name: 'URL', value: 'pg://$(MY_DB_SERVICE_HOST):$(MY_DB_SERVICE_PORT)' },
            { name: 'CACHE_SERVICE_HOST', value: 'override' },
            { name: 'EARLY', value: '$(LATE)' },
            { name: 'LATE', value: 'late' },
            { name: 'C', value: '$(CACHE_SERVICE_HOST)' },
          ],
        }),
        { services },
      ),
    );
    const env = plan.containers[0]?.create.Env ?? [];
    expect(env).toContain('URL=pg://10.89.0.9:5432');
    expect(env).toContain('EARLY=$(LATE)');
    expect(env).toContain('C=override');
    expect(plan.containers[0]?.create.Entrypoint).toEqual(['sh', '-c', 'echo 10.89.0.9']);
  });

  it('adds none with enableServiceLinks: false, and records none', () => {
    const input = makeInput(podWith({}, { enableServiceLinks: false }), { services });
    expect(envOf(input).some((entry) => entry.includes('SERVICE'))).toBe(false);
    expect(planPod(input).services).toBeUndefined();
  });

  it('records the Services it used, sorted, and keeps the spec hash', () => {
    const pod = podWith({});
    const withLinks = planPod(makeInput(pod, { services }));
    const without = planPod(makeInput(pod));
    expect(withLinks.services?.map((service) => service.name)).toEqual(['cache', 'my-db', 'raw']);
    expect(withLinks.specHash).toBe(without.specHash);
    expect(without.services).toBeUndefined();
    const reversed = planPod(makeInput(pod, { services: [...services].reverse() }));
    expect(reversed.containers[0]?.create.Env).toEqual(withLinks.containers[0]?.create.Env);
  });
});
