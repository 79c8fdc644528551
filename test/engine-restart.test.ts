// Restarts survive an engine restart. When dockerd stops, every container stops
// (podrun uses RestartPolicy "no": a pause container revived alone would strand its
// joiners); the detached supervisor keeps retrying the engine and, once it answers
// again, rebuilds each supervised pod: new sandbox, init containers again, apps.
//
// This restarts the engine for real, so it runs only when the engine is one that
// scripts/ensure-docker.sh started (CI, a fresh machine): a developer's own engine
// is never touched, and the test is skipped there.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPodRecord } from '../src/pod/records.js';
import { podStatus } from '../src/pod/status.js';
import { cleanNamespace, podrun, sh, TEST_IMAGE, testNamespace, waitFor } from './helpers/pods.js';

const OURS = '/run/podrun/dockerd-started-by-podrun';

/** The engine's pid, if scripts/ensure-docker.sh started this very engine. */
function ownEnginePid(): number | undefined {
  if (!existsSync(OURS) || !existsSync('/var/run/docker.pid')) return undefined;
  const ours = Number(readFileSync(OURS, 'utf8').trim());
  const running = Number(readFileSync('/var/run/docker.pid', 'utf8').trim());
  return ours > 0 && ours === running ? running : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const enginePid = ownEnginePid();
const ns = testNamespace('engine');

describe.skipIf(enginePid === undefined)('an engine restart', () => {
  afterAll(async () => {
    // Whatever happened above, the engine must be up for the tests that follow.
    execFileSync('bash', ['scripts/ensure-docker.sh'], { stdio: 'inherit' });
    await podrun(['supervisor', 'stop'], undefined, { PODRUN_SUPERVISOR_SCOPE: ns });
    await cleanNamespace(ns);
  });

  it('is survived: the supervisor rebuilds the pod, init containers run again', async () => {
    const env = { PODRUN_SUPERVISOR_SCOPE: ns };
    const file = join(tmpdir(), `${ns}.yaml`);
    writeFileSync(
      file,
      `apiVersion: v1
kind: Pod
metadata: { name: survivor }
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{ name: data, emptyDir: {} }]
  initContainers:
    - { name: init, image: ${TEST_IMAGE}, command: [sh, -c, 'echo init >> /data/log'], volumeMounts: [{ name: data, mountPath: /data }] }
  containers:
    - { name: app, image: ${TEST_IMAGE}, command: [sleep, '600'], volumeMounts: [{ name: data, mountPath: /data }] }
`,
    );
    const applied = await podrun(['apply', '-f', file, '-n', ns, '--wait=30s'], undefined, env);
    expect(applied.code).toBe(0);
    const before = (await findPodRecord(ns, 'survivor'))!;

    process.kill(enginePid!, 'SIGTERM');
    await waitFor('the engine to stop', async () => !alive(enginePid!), 60_000);
    execFileSync('bash', ['scripts/ensure-docker.sh'], { stdio: 'inherit' });

    const after = await waitFor(
      'the pod back in a new sandbox',
      async () => {
        const record = await findPodRecord(ns, 'survivor');
        const fresh = record?.sandbox && record.sandbox.Id !== before.sandbox?.Id;
        return fresh && podStatus(record).status === 'Running' ? record : undefined;
      },
      60_000,
    );
    expect(after.uid).toBe(before.uid);
    // The emptyDir outlived the engine restart; the init container ran a second time.
    expect(await sh(ns, 'survivor', 'app', 'cat /data/log')).toBe('init\ninit');
  });
});
