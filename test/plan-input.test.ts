// One plan input (issue 10): what shapes a pod's plan besides its manifest is
// recorded on the pod at apply time and read back by every later rebuild, so a
// rebuilt sandbox keeps the library's random host ports (publishAllPorts) and the
// pause image it was applied with.
import { afterAll, describe, expect, it } from 'vitest';
import { killContainer, waitContainer } from '../src/docker/containers.js';
import { parseManifestText } from '../src/manifest/parse.js';
import { applyManifests } from '../src/pod/apply.js';
import { LifecycleLabels } from '../src/pod/lifecycle/labels.js';
import { findPodRecord } from '../src/pod/records.js';
import { podStatus } from '../src/pod/status.js';
import { cleanNamespace, TEST_IMAGE, testNamespace, waitFor } from './helpers/pods.js';
import { superviseNamespace } from './helpers/supervised.js';

const ns = testNamespace('planin');

afterAll(async () => {
  await cleanNamespace(ns);
});

describe('a rebuilt sandbox', () => {
  it('publishes on the same random host port and runs the same pause image', async () => {
    const set = await superviseNamespace(ns, 200);
    try {
      const manifest = parseManifestText(
        `apiVersion: v1
kind: Pod
metadata: { name: ported }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: web
      image: ${TEST_IMAGE}
      command: [sleep, '3600']
      ports: [{ containerPort: 8080 }]
`,
        'test.yaml',
        { defaultNamespace: ns, validate: 'strict' },
      );
      await applyManifests(manifest, { supervise: ns, publishAllPorts: true });
      const first = (await findPodRecord(ns, 'ported'))!;
      const port = first.sandbox!.Ports.find((p) => p.PrivatePort === 8080)?.PublicPort;
      expect(port).toBeGreaterThan(0);
      expect(first.sandbox!.Labels[LifecycleLabels.publishAll]).toBe('true');
      expect(first.sandbox!.Labels[LifecycleLabels.pauseImage]).toBe(first.sandbox!.Image);

      await killContainer(first.sandbox!.Id);
      await waitContainer(first.sandbox!.Id);
      set.supervisor.poke();
      const rebuilt = await waitFor(
        'the rebuilt sandbox running',
        async () => {
          const now = await findPodRecord(ns, 'ported');
          return (
            now?.sandbox?.Id !== first.sandbox!.Id &&
            now?.sandbox?.State === 'running' &&
            podStatus(now).status === 'Running' &&
            now
          );
        },
        30_000,
      );
      expect(rebuilt.sandbox!.Ports.find((p) => p.PrivatePort === 8080)?.PublicPort).toBe(port);
      expect(rebuilt.sandbox!.Image).toBe(first.sandbox!.Image);
      expect(rebuilt.specHash).toBe(first.specHash);
    } finally {
      await set.stop();
    }
  });
});
