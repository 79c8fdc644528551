import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { PlanError } from './errors.js';
import { planPod } from './plan-pod.js';
import { b64, makeInput } from './testing.js';

/** A realistic pod: an init container, a web app, a log sidecar and a metrics exporter. */
function realisticPod(): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'shop',
      namespace: 'staging',
      labels: { app: 'shop', tier: 'web' },
      annotations: { 'prometheus.io/port': '9113' },
    },
    spec: {
      hostname: 'shop-0',
      subdomain: 'shop',
      shareProcessNamespace: true,
      terminationGracePeriodSeconds: 10,
      securityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000 },
      hostAliases: [{ ip: '10.1.2.3', hostnames: ['payments.internal'] }],
      initContainers: [
        {
          name: 'migrate',
          image: 'shop/migrate:2.1',
          command: ['/migrate'],
          args: ['--dsn', '$(DATABASE_URL)'],
          env: [{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } }],
        },
      ],
      containers: [
        {
          name: 'web',
          image: 'nginx:1.27',
          ports: [
            { name: 'http', containerPort: 8080, hostPort: 18080 },
            { name: 'admin', containerPort: 8081 },
          ],
          envFrom: [{ configMapRef: { name: 'shop-config' }, prefix: 'SHOP_' }],
          env: [
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'GREETING', value: 'hello from $(POD_NAME) in $(SHOP_REGION)' },
            {
              name: 'MEM_LIMIT_MI',
              valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } },
            },
          ],
          resources: {
            requests: { cpu: '250m', memory: '128Mi' },
            limits: { cpu: '1', memory: '256Mi' },
          },
          volumeMounts: [
            { name: 'config', mountPath: '/etc/nginx/conf.d', readOnly: true },
            { name: 'cache', mountPath: '/var/cache/nginx' },
            { name: 'logs', mountPath: '/var/log/nginx' },
            { name: 'podinfo', mountPath: '/etc/podinfo' },
          ],
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
            readOnlyRootFilesystem: true,
          },
          readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
        },
        {
          name: 'log-shipper',
          image: 'fluent/fluent-bit',
          args: ['-c', '/fluent-bit/etc/fluent-bit.conf'],
          volumeMounts: [
            { name: 'logs', mountPath: '/logs', readOnly: true },
            {
              name: 'config',
              mountPath: '/fluent-bit/etc/fluent-bit.conf',
              subPath: 'fluent-bit.conf',
            },
          ],
          resources: { limits: { memory: '64Mi' } },
        },
        {
          name: 'metrics',
          image: 'nginx/nginx-prometheus-exporter:1.3@sha256:0123456789abcdef',
          ports: [{ containerPort: 9113, hostPort: 19113, hostIP: '127.0.0.1' }],
          env: [
            {
              name: 'TOKEN',
              valueFrom: { secretKeyRef: { name: 'db', key: 'token', optional: true } },
            },
          ],
        },
      ],
      volumes: [
        {
          name: 'config',
          configMap: {
            name: 'shop-config',
            items: [
              { key: 'default.conf', path: 'default.conf' },
              { key: 'fluent-bit.conf', path: 'fluent-bit.conf', mode: 0o600 },
            ],
          },
        },
        { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
        { name: 'logs', emptyDir: {} },
        {
          name: 'podinfo',
          downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] },
        },
        { name: 'uploads', persistentVolumeClaim: { claimName: 'shop-uploads' } },
      ],
    },
  };
}

function realisticInput(podIP?: string) {
  return makeInput(realisticPod(), {
    uid: '6f1c1b9e-3c57-4c1a-9d0e-7c1f6a1b2c3d',
    podIP,
    configMaps: {
      'shop-config': {
        data: {
          REGION: 'eu-west',
          'default.conf': 'server { listen 8080; }\n',
          'fluent-bit.conf': '[INPUT]\n  Name tail\n',
        },
      },
    },
    secrets: { db: { data: { url: b64('postgres://shop@db/shop') } } },
    engine: { volumeSubpath: false },
    extraLabels: { 'io.podrun.owner': 'test-session' },
  });
}

describe('planPod', () => {
  it('plans a realistic three-container pod (snapshot)', () => {
    expect(planPod(realisticInput())).toMatchSnapshot();
  });

  it('is deterministic: the same input gives a byte-identical plan', () => {
    expect(JSON.stringify(planPod(realisticInput()))).toBe(
      JSON.stringify(planPod(realisticInput())),
    );
  });

  it('plans again with the pod IP once known', () => {
    const first = planPod(realisticInput());
    expect(first.needsPodIP).toBe(true);
    const second = planPod(realisticInput('172.20.0.7'));
    expect(second.needsPodIP).toBe(false);
    expect(second.specHash).toBe(first.specHash);
    expect(second.containers[0]?.create.Env).toContain('POD_IP=172.20.0.7');
  });

  it('collects every problem of a pod before throwing', () => {
    const input = realisticInput();
    input.configMaps.clear();
    input.secrets.clear();
    try {
      planPod(input);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PlanError);
      const issues = (error as PlanError).issues.map((issue) => issue.path.join('.'));
      expect(issues).toEqual([
        'spec.volumes.0.configMap.name',
        'spec.initContainers.0.env.0.valueFrom.secretKeyRef',
        'spec.containers.0.envFrom.0.configMapRef',
      ]);
    }
  });

  it('warns about fields podrun accepts but does not implement', () => {
    const pod = realisticPod();
    pod.spec!.hostNetwork = true;
    const plan = planPod(
      makeInput(pod, {
        configMaps: { 'shop-config': { data: { 'default.conf': '', 'fluent-bit.conf': '' } } },
        secrets: { db: { data: { url: b64('x') } } },
      }),
    );
    expect(plan.warnings).toContain(
      'spec.hostNetwork: host networking is not supported; the pod uses the namespace network',
    );
  });
});
