// README, secrets: "a Secret's data is kept, base64 as in the Kubernetes API, in a label
// of its holder volume, as etcd keeps it", and labels: what belongs to no single pod
// (the ConfigMaps and Secrets a manifest stores) names no pod.
import { afterAll, describe, expect, it } from 'vitest';
import { listPodrunVolumes } from '../src/docker/volumes.js';
import { Labels } from '../src/plan/labels.js';
import { cleanNamespace, podrun, testNamespace } from './helpers/pods.js';

const ns = testNamespace('secstore');
process.env.PODRUN_SUPERVISOR_SCOPE = ns;

afterAll(async () => {
  await podrun(['supervisor', 'stop']);
  await cleanNamespace(ns);
});

describe('a stored Secret', () => {
  it('is its data, base64, in a label of a holder volume that names no pod', async () => {
    const value = 'correct-horse-battery';
    const result = await podrun(
      ['apply', '-f', '-', '-n', ns],
      `apiVersion: v1
kind: Secret
metadata: { name: creds }
stringData: { token: ${value} }
`,
    );
    expect(result.code, result.stderr).toBe(0);
    const holders = await listPodrunVolumes({ [Labels.namespace]: ns, [Labels.role]: 'secret' });
    expect(holders).toHaveLength(1);
    const labels = holders[0]!.Labels ?? {};
    expect(labels['io.podrun.name']).toBe('creds');
    expect(labels[Labels.pod] ?? '').toBe('');
    expect(JSON.parse(labels[Labels.data] ?? '{}')).toEqual({
      data: { token: Buffer.from(value).toString('base64') },
    });
    // Only the base64 form: the plain value is in no label.
    expect(Object.values(labels).some((label) => label.includes(value))).toBe(false);
  });
});
