// `delete KIND --all` and `delete KIND -l SELECTOR` for workloads and Services, as for
// pods and as kubectl does: exactly the chosen objects go (a Deployment with its
// ReplicaSet and pods), in name order, and "No resources found" when none matches.
import { afterAll, describe, expect, it } from 'vitest';
import { listPodrunContainers } from '../src/docker/containers.js';
import { Labels } from '../src/plan/labels.js';
import { podrun, TEST_IMAGE, waitFor, writeManifest } from './helpers/pods.js';
import { scopedNamespace } from './helpers/supervised.js';

const { ns, ok, cleanUp } = scopedNamespace('delete-bulk');

afterAll(cleanUp);

const deployment = (name: string, tier: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, labels: { tier: ${tier} } }
spec:
  replicas: 1
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      terminationGracePeriodSeconds: 0
      containers:
        - { name: c, image: ${TEST_IMAGE}, command: [sleep, '3600'] }
`;

const service = (name: string, tier: string) => `apiVersion: v1
kind: Service
metadata: { name: ${name}, labels: { tier: ${tier} } }
spec:
  selector: { app: ${name} }
  ports: [{ port: 80 }]
`;

const manifest = writeManifest(
  ns,
  'bundle',
  [
    deployment('api', 'back'),
    deployment('web', 'front'),
    deployment('worker', 'back'),
    service('api', 'back'),
    service('web', 'front'),
  ].join('---\n'),
);

async function names(type: string): Promise<string[]> {
  const out = await ok(['get', type, '--no-headers']);
  return out
    .split('\n')
    .filter(Boolean)
    .map((row) => row.split(/\s+/)[0]!);
}

describe('delete --all and -l beyond pods', () => {
  it('deletes the Deployments a selector picks, with their pods, and no other', async () => {
    await ok(['apply', '-f', manifest, '--wait']);
    expect(await ok(['delete', 'deployments', '-l', 'tier=back'])).toBe(
      'deployment.apps "api" deleted\ndeployment.apps "worker" deleted\n',
    );
    expect(await names('deploy')).toEqual(['web']);
    await waitFor('only web pods left', async () =>
      (await names('pods')).every((pod) => pod.startsWith('web-')),
    );
    expect(await names('pods')).toHaveLength(1);
  });

  it('deletes every Service of the namespace with --all, and says so when none is left', async () => {
    expect(await ok(['delete', 'svc', '--all'])).toBe(
      'service "api" deleted\nservice "web" deleted\n',
    );
    expect(await ok(['get', 'svc'])).toBe('');
    expect(await ok(['delete', 'services', '--all'])).toBe('No resources found\n');
  });

  it('deletes the last Deployment with --all and leaves nothing of it', async () => {
    expect(await ok(['delete', 'deploy', '--all'])).toBe('deployment.apps "web" deleted\n');
    expect(await ok(['delete', 'rs', '--all'])).toBe('No resources found\n');
    await waitFor('no pod left', async () => (await names('pods')).length === 0);
    // Nor its holders (the stored Deployment and ReplicaSet), nor a marker.
    await waitFor(
      'no container of the namespace',
      async () => (await listPodrunContainers({ [Labels.namespace]: ns })).length === 0,
    );
  });

  it('refuses a name together with a selector, as kubectl', async () => {
    const result = await podrun(['delete', 'deploy', 'web', '-l', 'tier=front', '-n', ns]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: name cannot be provided when a selector is specified\n');
  });
});
