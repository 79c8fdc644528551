import { describe, expect, it } from 'vitest';
import { PlanError } from './errors.js';
import type { PlanInput } from './input.js';
import { planPod as planWholePod } from './plan-pod.js';
import { b64, makeInput, makePod } from './testing.js';
import type { PlannedVolume, PodPlan } from './types.js';
import { SERVICE_ACCOUNT_PATH, SERVICE_ACCOUNT_VOLUME_NAME } from './volumes.js';

/**
 * The plan without the service-account volume every pod gets, so the tests of the
 * pod's own volumes see only those (the service-account volume has its tests below).
 */
function planPod(input: PlanInput): PodPlan {
  const plan = planWholePod(input);
  const serviceAccount = plan.volumes.find((volume) => volume.name === SERVICE_ACCOUNT_VOLUME_NAME);
  if (!serviceAccount || !('dockerName' in serviceAccount)) return plan;
  const strip = (hostConfig: { Mounts?: { Source?: string }[] } | undefined) => {
    if (!hostConfig?.Mounts) return;
    hostConfig.Mounts = hostConfig.Mounts.filter(
      (mount) => mount.Source !== serviceAccount.dockerName,
    );
    if (hostConfig.Mounts.length === 0) delete hostConfig.Mounts;
  };
  for (const planned of [plan.sandbox, ...plan.initContainers, ...plan.containers])
    strip(planned.create.HostConfig);
  return { ...plan, volumes: plan.volumes.filter((volume) => volume !== serviceAccount) };
}

function volumeNamed(volumes: PlannedVolume[], name: string) {
  const volume = volumes.find((candidate) => candidate.name === name);
  if (!volume) throw new Error(`no volume ${name}`);
  return volume;
}

const volumeLabels = {
  'io.podrun.managed': 'true',
  'io.podrun.role': 'volume',
  'io.podrun.version': '0.1.0',
  'io.podrun.namespace': 'default',
  'io.podrun.pod': 'web',
};

describe('emptyDir', () => {
  it('is a local volume with pod labels, mounted by the sandbox and the containers', () => {
    const pod = makePod({
      volumes: [{ name: 'cache', emptyDir: {} }],
      containers: [
        { name: 'a', image: 'x:1', volumeMounts: [{ name: 'cache', mountPath: '/cache' }] },
        {
          name: 'b',
          image: 'x:1',
          volumeMounts: [{ name: 'cache', mountPath: '/data', readOnly: true }],
        },
      ],
    });
    const plan = planPod(makeInput(pod));
    expect(plan.volumes).toEqual([
      {
        kind: 'emptyDir',
        name: 'cache',
        dockerName: 'podrun_default_web_cache',
        create: {
          Name: 'podrun_default_web_cache',
          Driver: 'local',
          Labels: { ...volumeLabels, 'io.podrun.volume': 'cache' },
        },
        files: [],
        populatePath: '/.podrun/volumes/cache',
        rootMode: 0o777,
      },
    ]);
    expect(plan.sandbox.create.HostConfig?.Mounts).toEqual([
      {
        Type: 'volume',
        Source: 'podrun_default_web_cache',
        Target: '/.podrun/volumes/cache',
        // The sandbox's create makes the volume, labelled as planned.
        VolumeOptions: { NoCopy: true, Labels: { ...volumeLabels, 'io.podrun.volume': 'cache' } },
      },
    ]);
    expect(plan.containers.map((c) => c.create.HostConfig?.Mounts)).toEqual([
      [
        {
          Type: 'volume',
          Source: 'podrun_default_web_cache',
          Target: '/cache',
          ReadOnly: false,
          VolumeOptions: { NoCopy: true },
        },
      ],
      [
        {
          Type: 'volume',
          Source: 'podrun_default_web_cache',
          Target: '/data',
          ReadOnly: true,
          VolumeOptions: { NoCopy: true },
        },
      ],
    ]);
  });

  it('medium Memory is a tmpfs volume, sized by sizeLimit', () => {
    const pod = makePod({
      volumes: [
        { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } },
        { name: 'scratch', emptyDir: { medium: 'Memory' } },
      ],
    });
    const plan = planPod(makeInput(pod));
    const shm = volumeNamed(plan.volumes, 'shm');
    const scratch = volumeNamed(plan.volumes, 'scratch');
    expect('create' in shm && shm.create.DriverOpts).toEqual({
      type: 'tmpfs',
      device: 'tmpfs',
      o: 'size=268435456',
    });
    expect('create' in scratch && scratch.create.DriverOpts).toEqual({
      type: 'tmpfs',
      device: 'tmpfs',
    });
    expect(plan.warnings).toEqual([]);
  });

  it('warns that sizeLimit on disk is not enforced', () => {
    const pod = makePod({ volumes: [{ name: 'd', emptyDir: { sizeLimit: '1Gi' } }] });
    expect(planPod(makeInput(pod)).warnings).toEqual([
      'spec.volumes[0].emptyDir.sizeLimit: sizeLimit is not enforced for disk-backed emptyDir (Docker volumes have no quota)',
    ]);
  });
});

describe('configMap, secret, downwardAPI, projected', () => {
  const configMaps = {
    cfg: { data: { 'app.conf': 'port=80\n', other: 'x' }, binaryData: { 'logo.png': b64('PNG') } },
  };
  const secrets = { tls: { data: { 'tls.key': b64('KEY'), 'tls.crt': b64('CRT') } } };

  it('write every key as a file with defaultMode 0644, read-only mounts', () => {
    const pod = makePod({
      volumes: [
        { name: 'config', configMap: { name: 'cfg' } },
        { name: 'certs', secret: { secretName: 'tls', defaultMode: 0o400 } },
      ],
      containers: [
        {
          name: 'main',
          image: 'x:1',
          volumeMounts: [
            { name: 'config', mountPath: '/etc/app' },
            { name: 'certs', mountPath: '/tls', readOnly: false },
          ],
        },
      ],
    });
    const plan = planPod(makeInput(pod, { configMaps, secrets }));
    const config = volumeNamed(plan.volumes, 'config');
    expect(config.kind).toBe('configMap');
    expect('files' in config && config.files).toEqual([
      { path: 'app.conf', contentBase64: b64('port=80\n'), mode: 0o644 },
      { path: 'logo.png', contentBase64: b64('PNG'), mode: 0o644 },
      { path: 'other', contentBase64: b64('x'), mode: 0o644 },
    ]);
    const certs = volumeNamed(plan.volumes, 'certs');
    expect('files' in certs && certs.files).toEqual([
      { path: 'tls.crt', contentBase64: b64('CRT'), mode: 0o400, secret: true },
      { path: 'tls.key', contentBase64: b64('KEY'), mode: 0o400, secret: true },
    ]);
    expect(plan.containers[0]?.create.HostConfig?.Mounts?.map((m) => m.ReadOnly)).toEqual([
      true,
      true,
    ]);
    expect(plan.sandbox.create.HostConfig?.Mounts?.map((m) => m.Target)).toEqual([
      '/.podrun/volumes/config',
      '/.podrun/volumes/certs',
    ]);
  });

  it('writes only listed items, with per-item modes and paths', () => {
    const pod = makePod({
      volumes: [
        {
          name: 'config',
          configMap: {
            name: 'cfg',
            defaultMode: 0o640,
            items: [
              { key: 'app.conf', path: 'conf/app.properties', mode: 0o600 },
              { key: 'other', path: 'o' },
            ],
          },
        },
      ],
    });
    const config = volumeNamed(planPod(makeInput(pod, { configMaps })).volumes, 'config');
    expect('files' in config && config.files).toEqual([
      { path: 'conf/app.properties', contentBase64: b64('port=80\n'), mode: 0o600 },
      { path: 'o', contentBase64: b64('x'), mode: 0o640 },
    ]);
  });

  it('optional missing sources give empty volumes; non-optional ones are errors', () => {
    const optional = makePod({
      volumes: [
        { name: 'a', configMap: { name: 'nope', optional: true } },
        { name: 'b', secret: { secretName: 'nope', optional: true } },
        {
          name: 'c',
          configMap: { name: 'cfg', optional: true, items: [{ key: 'nokey', path: 'x' }] },
        },
      ],
    });
    const plan = planPod(makeInput(optional, { configMaps }));
    expect(plan.volumes.map((v) => ('files' in v ? v.files : undefined))).toEqual([[], [], []]);

    const required = makePod({
      volumes: [
        { name: 'a', configMap: { name: 'nope' } },
        { name: 'b', secret: { secretName: 'nope' } },
        { name: 'c', configMap: { name: 'cfg', items: [{ key: 'nokey', path: 'x' }] } },
      ],
    });
    try {
      planPod(makeInput(required, { configMaps }));
      expect.unreachable();
    } catch (error) {
      expect((error as PlanError).issues).toEqual([
        {
          path: ['spec', 'volumes', 0, 'configMap', 'name'],
          message: 'configmap "nope" not found in namespace default',
        },
        {
          path: ['spec', 'volumes', 1, 'secret', 'secretName'],
          message: 'secret "nope" not found in namespace default',
        },
        {
          path: ['spec', 'volumes', 2, 'configMap', 'items', 0, 'key'],
          message: 'key "nokey" not found in configmap "cfg"',
        },
      ]);
    }
  });

  it('downwardAPI files: fields, label maps, resources', () => {
    const pod = makePod({
      volumes: [
        {
          name: 'info',
          downwardAPI: {
            items: [
              { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
              { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
              {
                path: 'team',
                fieldRef: { fieldPath: "metadata.annotations['team']" },
                mode: 0o600,
              },
              {
                path: 'mem',
                resourceFieldRef: {
                  containerName: 'main',
                  resource: 'limits.memory',
                  divisor: '1Mi',
                },
              },
            ],
          },
        },
      ],
      containers: [{ name: 'main', image: 'x:1', resources: { limits: { memory: '64Mi' } } }],
    });
    pod.metadata!.labels = { app: 'web', tier: 'front "end"' };
    const info = volumeNamed(planPod(makeInput(pod)).volumes, 'info');
    const files = 'files' in info ? info.files : [];
    const decoded = files.map((f) => [
      f.path,
      Buffer.from(f.contentBase64, 'base64').toString(),
      f.mode,
    ]);
    expect(decoded).toEqual([
      ['name', 'web', 0o644],
      ['labels', 'app="web"\ntier="front \\"end\\""', 0o644],
      ['team', 'core', 0o600],
      ['mem', '64', 0o644],
    ]);
  });

  it('projected volumes merge configMap, secret and downwardAPI sources', () => {
    const pod = makePod({
      volumes: [
        {
          name: 'all',
          projected: {
            defaultMode: 0o440,
            sources: [
              { configMap: { name: 'cfg', items: [{ key: 'other', path: 'other' }] } },
              { secret: { name: 'tls', items: [{ key: 'tls.crt', path: 'tls/crt' }] } },
              {
                downwardAPI: {
                  items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }],
                },
              },
              { serviceAccountToken: { path: 'token' } },
            ],
          },
        },
      ],
    });
    const plan = planPod(makeInput(pod, { configMaps, secrets }));
    const all = volumeNamed(plan.volumes, 'all');
    expect(all.kind).toBe('projected');
    expect('files' in all && all.files.map((f) => [f.path, f.mode])).toEqual([
      ['other', 0o440],
      ['tls/crt', 0o440],
      ['ns', 0o440],
    ]);
    expect(plan.warnings).toHaveLength(1);
  });
});

describe('hostPath and persistentVolumeClaim', () => {
  it('hostPath is a bind mount with its type recorded; subPath is joined', () => {
    const pod = makePod({
      volumes: [{ name: 'host', hostPath: { path: '/srv/data', type: 'DirectoryOrCreate' } }],
      containers: [
        {
          name: 'main',
          image: 'x:1',
          volumeMounts: [
            { name: 'host', mountPath: '/data', mountPropagation: 'HostToContainer' },
            { name: 'host', mountPath: '/logs', subPath: 'logs', readOnly: true },
          ],
        },
      ],
    });
    const plan = planPod(makeInput(pod));
    expect(plan.volumes).toEqual([
      { kind: 'hostPath', name: 'host', hostPath: '/srv/data', type: 'DirectoryOrCreate' },
    ]);
    expect(plan.containers[0]?.create.HostConfig?.Mounts).toEqual([
      {
        Type: 'bind',
        Source: '/srv/data',
        Target: '/data',
        ReadOnly: false,
        BindOptions: { Propagation: 'rslave' },
      },
      { Type: 'bind', Source: '/srv/data/logs', Target: '/logs', ReadOnly: true },
    ]);
    expect(plan.sandbox.create.HostConfig?.Mounts).toBeUndefined();
  });

  it('lists hostPath subPaths for src/pod to make', () => {
    const pod = makePod({
      volumes: [{ name: 'host', hostPath: { path: '/srv/data' } }],
      containers: [
        {
          name: 'main',
          image: 'x:1',
          env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          volumeMounts: [
            { name: 'host', mountPath: '/data' },
            { name: 'host', mountPath: '/logs', subPath: 'logs/' },
            { name: 'host', mountPath: '/mine', subPathExpr: 'pods/$(POD_NAME)' },
          ],
        },
      ],
    });
    const container = planPod(makeInput(pod)).containers[0]!;
    expect(container.volumeSubpaths).toEqual([
      { volumeName: 'host', subPath: 'logs' },
      { volumeName: 'host', subPath: 'pods/web' },
    ]);
    expect(container.create.HostConfig?.Mounts?.map((m) => m.Source)).toEqual([
      '/srv/data',
      '/srv/data/logs',
      '/srv/data/pods/web',
    ]);
  });

  it('a claim is the shared, long-lived claim volume; readOnly is honoured', () => {
    const pod = makePod({
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'db-data', readOnly: true } }],
      containers: [
        { name: 'main', image: 'x:1', volumeMounts: [{ name: 'data', mountPath: '/var/lib/db' }] },
      ],
    });
    const plan = planPod(makeInput(pod, { extraLabels: { 'io.podrun.owner': 'session-1' } }));
    expect(plan.volumes).toEqual([
      {
        kind: 'persistentVolumeClaim',
        name: 'data',
        dockerName: 'podrun-pvc_default_db-data',
        claimName: 'db-data',
        create: {
          Name: 'podrun-pvc_default_db-data',
          Driver: 'local',
          // The labels of a declared claim's volume (src/pod/config-store.ts).
          Labels: {
            'io.podrun.managed': 'true',
            'io.podrun.role': 'pvc',
            'io.podrun.version': '0.1.0',
            'io.podrun.namespace': 'default',
            'io.podrun.pod': '',
            'io.podrun.name': 'db-data',
            'io.podrun.owner': 'session-1',
          },
        },
      },
    ]);
    expect(plan.containers[0]?.create.HostConfig?.Mounts?.[0]).toMatchObject({
      Type: 'volume',
      Source: 'podrun-pvc_default_db-data',
      ReadOnly: true,
    });
  });
});

describe('a claim without a PersistentVolumeClaim object', () => {
  const pod = makePod({
    volumes: [
      { name: 'a', persistentVolumeClaim: { claimName: 'known' } },
      { name: 'b', persistentVolumeClaim: { claimName: 'unknown' } },
    ],
  });
  const undeclared = (claims?: ReadonlySet<string>) =>
    planPod(makeInput(pod, claims ? { claims } : {})).volumes.map(
      (v) => v.kind === 'persistentVolumeClaim' && v.undeclared === true,
    );

  it('is marked undeclared for src/pod to create, without failing the plan', () => {
    expect(undeclared(new Set(['known']))).toEqual([false, true]);
    expect(undeclared(new Set(['known', 'unknown']))).toEqual([false, false]);
    // The warning comes from src/pod, once it has created the volume.
    expect(planPod(makeInput(pod, { claims: new Set() })).warnings).toEqual([]);
  });

  it('is taken as declared when the caller knows no claims (a replan)', () => {
    expect(undeclared()).toEqual([false, false]);
  });

  it('does not change the spec hash', () => {
    const hash = (claims: ReadonlySet<string>) => planPod(makeInput(pod, { claims })).specHash;
    expect(hash(new Set())).toBe(hash(new Set(['known', 'unknown'])));
  });
});

describe('subPath', () => {
  const pod = makePod({
    volumes: [{ name: 'data', emptyDir: {} }],
    containers: [
      {
        name: 'main',
        image: 'x:1',
        env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        volumeMounts: [
          { name: 'data', mountPath: '/a', subPath: 'a/b' },
          { name: 'data', mountPath: '/logs', subPathExpr: 'logs/$(POD)' },
        ],
      },
    ],
  });

  it('uses VolumeOptions.Subpath when the engine supports it', () => {
    const container = planPod(makeInput(pod)).containers[0]!;
    expect(container.create.HostConfig?.Mounts?.map((m) => m.VolumeOptions)).toEqual([
      { NoCopy: true, Subpath: 'a/b' },
      { NoCopy: true, Subpath: 'logs/web' },
    ]);
    expect(container.subPathMounts).toEqual([]);
    expect(container.volumeSubpaths).toEqual([
      { volumeName: 'data', subPath: 'a/b' },
      { volumeName: 'data', subPath: 'logs/web' },
    ]);
  });

  it('leaves them pending for src/pod on older engines', () => {
    const container = planPod(makeInput(pod, { engine: { volumeSubpath: false } })).containers[0]!;
    expect(container.create.HostConfig?.Mounts).toBeUndefined();
    // Listed as well: the sandbox makes them before the bind mounts need them.
    expect(container.volumeSubpaths).toEqual([
      { volumeName: 'data', subPath: 'a/b' },
      { volumeName: 'data', subPath: 'logs/web' },
    ]);
    expect(container.subPathMounts).toEqual([
      { volumeName: 'data', subPath: 'a/b', target: '/a', readOnly: false },
      { volumeName: 'data', subPath: 'logs/web', target: '/logs', readOnly: false },
    ]);
  });

  it('rejects escaping subPaths and unknown volumes', () => {
    const bad = makePod({
      volumes: [{ name: 'data', emptyDir: {} }],
      containers: [
        {
          name: 'main',
          image: 'x:1',
          volumeMounts: [
            { name: 'data', mountPath: '/a', subPath: '../etc' },
            { name: 'nope', mountPath: '/b' },
          ],
        },
      ],
    });
    expect(() => planPod(makeInput(bad))).toThrow(PlanError);
    try {
      planPod(makeInput(bad));
    } catch (error) {
      expect((error as PlanError).issues.map((i) => i.path.at(-1))).toEqual(['subPath', 'name']);
    }
  });
});

it('rejects unsupported volume types', () => {
  const pod = makePod({ volumes: [{ name: 'n', nfs: { server: 'nfs', path: '/' } }] });
  expect(() => planPod(makeInput(pod))).toThrow(
    /spec\.volumes\[0\]\.nfs: volume type nfs is not supported/,
  );
});

describe('the service-account volume', () => {
  const saMount = {
    Type: 'volume',
    Source: 'podrun_team-a_web_POD-serviceaccount',
    Target: SERVICE_ACCOUNT_PATH,
    ReadOnly: true,
    VolumeOptions: { NoCopy: true },
  };

  it('holds the namespace file, mounted read-only into every init and app container', () => {
    const pod = makePod(
      {
        initContainers: [{ name: 'wait', image: 'x:1' }],
        containers: [{ name: 'a', image: 'x:1' }],
      },
      'web',
      'team-a',
    );
    const plan = planWholePod(makeInput(pod));
    expect(volumeNamed(plan.volumes, SERVICE_ACCOUNT_VOLUME_NAME)).toMatchObject({
      kind: 'projected',
      dockerName: 'podrun_team-a_web_POD-serviceaccount',
      files: [{ path: 'namespace', contentBase64: b64('team-a'), mode: 0o644 }],
      populatePath: '/.podrun/volumes/POD-serviceaccount',
    });
    for (const planned of [...plan.initContainers, ...plan.containers])
      expect(planned.create.HostConfig?.Mounts).toEqual([saMount]);
    // The sandbox mounts it only to fill it.
    expect(plan.sandbox.create.HostConfig?.Mounts).toContainEqual(
      expect.objectContaining({
        Source: saMount.Source,
        Target: '/.podrun/volumes/POD-serviceaccount',
      }),
    );
  });

  it('is not made with automountServiceAccountToken: false', () => {
    const plan = planWholePod(makeInput(makePod({ automountServiceAccountToken: false })));
    expect(plan.volumes).toEqual([]);
    expect(plan.containers[0]?.create.HostConfig?.Mounts).toBeUndefined();
  });

  it("gives way to a container's own volume mounted there", () => {
    const pod = makePod(
      {
        volumes: [{ name: 'mine', emptyDir: {} }],
        containers: [
          {
            name: 'a',
            image: 'x:1',
            volumeMounts: [{ name: 'mine', mountPath: `${SERVICE_ACCOUNT_PATH}/` }],
          },
          { name: 'b', image: 'x:1' },
        ],
      },
      'web',
      'team-a',
    );
    const plan = planWholePod(makeInput(pod));
    const targets = (index: number) =>
      plan.containers[index]?.create.HostConfig?.Mounts?.map((mount) => mount.Source);
    expect(targets(0)).toEqual(['podrun_team-a_web_mine']);
    expect(targets(1)).toEqual([saMount.Source]);
  });
});
