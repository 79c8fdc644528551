// Service links (issue 11) through the pod stage: apply asks the seam
// (src/pod/service-links.ts) once, the containers get the link variables, the list is
// recorded on the pod, and a restarted container gets the same variables from the
// record, not from the Services of the moment; a re-apply once another Service exists
// stays `unchanged`. Services do not run on this branch yet, so the seam (and only
// the seam) answers from this test; everything else runs on the real engine.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { inspectContainer, killContainer, waitContainer } from '../src/docker/containers.js';
import type { ServiceLinkInput } from '../src/plan/input.js';
import { LifecycleLabels } from '../src/pod/lifecycle/labels.js';
import { findPodRecord } from '../src/pod/records.js';
import { podStatus } from '../src/pod/status.js';
import { cleanNamespace, TEST_IMAGE, testNamespace, waitFor } from './helpers/pods.js';
import { superviseNamespace } from './helpers/supervised.js';

const seam = vi.hoisted(() => ({ services: [] as ServiceLinkInput[], asked: 0 }));
vi.mock('../src/pod/service-links.js', () => ({
  namespaceServiceLinks: async () => {
    seam.asked++;
    return seam.services;
  },
}));

const ns = testNamespace('links');

afterAll(async () => {
  await cleanNamespace(ns);
});

const POD = `apiVersion: v1
kind: Pod
metadata: { name: client }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sleep, '3600']
      env: [{ name: DB_URL, value: 'pg://$(DB_SERVICE_HOST):$(DB_SERVICE_PORT)' }]
`;

async function envOf(id: string): Promise<string[]> {
  return (await inspectContainer(id))?.Config?.Env ?? [];
}

describe('service links', () => {
  it('are recorded at apply and kept by a restarted container', async () => {
    const set = await superviseNamespace(ns, 200);
    try {
      seam.services = [{ name: 'db', clusterIP: '10.89.7.7', ports: [{ port: 5432 }] }];
      const [result] = await set.apply(POD);
      expect(result?.action).toBe('created');
      const first = (await findPodRecord(ns, 'client'))!;
      const app = first.containers[0]!;
      expect(app.Labels[LifecycleLabels.serviceLinks]).toBeDefined();
      const env = await envOf(app.Id);
      expect(env).toContain('DB_SERVICE_HOST=10.89.7.7');
      expect(env).toContain('DB_PORT_5432_TCP=tcp://10.89.7.7:5432');
      expect(env).toContain('DB_URL=pg://10.89.7.7:5432');

      // Another Service appears; the running pod is not changed by it.
      seam.services = [
        ...seam.services,
        { name: 'cache', clusterIP: '10.89.7.8', ports: [{ port: 6379 }] },
      ];
      const [again] = await set.apply(POD);
      expect(again?.action).toBe('unchanged');

      const asked = seam.asked;
      await killContainer(app.Id);
      await waitContainer(app.Id);
      set.supervisor.poke();
      const restarted = await waitFor(
        'the restarted app container running',
        async () => {
          const now = await findPodRecord(ns, 'client');
          const newest = now?.containers[0];
          return (
            newest?.Id !== app.Id &&
            newest?.State === 'running' &&
            now !== undefined &&
            podStatus(now).status === 'Running' &&
            newest
          );
        },
        30_000,
      );
      const restartedEnv = await envOf(restarted.Id);
      expect(restartedEnv).toEqual(env);
      expect(restartedEnv.some((entry) => entry.startsWith('CACHE_'))).toBe(false);
      // The restart planned from the record, without asking for Services again.
      expect(seam.asked).toBe(asked);
    } finally {
      await set.stop();
    }
  });
});
