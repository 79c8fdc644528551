// The background supervisor through the CLI, as a user meets it: `podrun apply`
// returns, and the detached supervisor keeps restarting, survives being killed
// (the next podrun command brings it back, and it picks up from Docker labels), and
// brings a pod back after all its containers stopped (what an engine restart does).
// Scoped to this file's namespace (PODRUN_SUPERVISOR_SCOPE) with a short test-only
// back-off base; stopped in afterAll.
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { stopContainer } from '../src/docker/containers.js';
import { findPodRecord, withDetails } from '../src/pod/records.js';
import { podStatus } from '../src/pod/status.js';
import { stopSupervisor, supervisorStatus } from '../src/supervisor/launch.js';
import { cleanNamespace, podrun, TEST_IMAGE, waitFor, writeManifest } from './helpers/pods.js';
import { scopedNamespace } from './helpers/supervised.js';

const { ns } = scopedNamespace('superv');
process.env.PODRUN_BACKOFF_BASE_MS = '300';

function manifest(name: string, body: string): string {
  return writeManifest(ns, name, body);
}

async function status(name: string) {
  const record = await findPodRecord(ns, name);
  return record ? podStatus(await withDetails(record)) : undefined;
}

// Not cleanUp(): this file makes Pods only, so there are no holders to look for.
afterAll(async () => {
  await stopSupervisor();
  await cleanNamespace(ns);
});

describe('podrun apply and the background supervisor', () => {
  it('apply --wait fails with CrashLoopBackOff and the last log lines', async () => {
    const file = manifest(
      'crash',
      `apiVersion: v1
kind: Pod
metadata: { name: crash }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - { name: app, image: ${TEST_IMAGE}, command: [sh, -c, 'echo boom-$RANDOM; exit 2'] }
`,
    );
    const result = await podrun(['apply', '-f', file, '-n', ns, '--wait=30s']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/pod\/crash will not become ready: CrashLoopBackOff/);
    expect(result.stderr).toMatch(/last exit code 2, Error/);
    expect(result.stderr).toMatch(/boom-\d+/);
    const supervisor = await supervisorStatus();
    expect(supervisor?.scope).toBe(ns);
  });

  it('keeps restarting after apply returned, and after the supervisor itself was killed', async () => {
    const before = (await status('crash'))!.restarts;
    await waitFor(
      'more restarts',
      async () => (await status('crash'))!.restarts > before + 1,
      20_000,
    );
    const supervisor = (await supervisorStatus())!;
    process.kill(supervisor.pid, 'SIGKILL');
    const get = await podrun(['get', 'pods', '-n', ns]);
    expect(get.code).toBe(0);
    expect(get.stderr).toMatch(/started the supervisor/);
    expect(get.stdout).toMatch(/crash\s+[01]\/1\s+\S+\s+\d+/);
    const after = (await status('crash'))!.restarts;
    await waitFor(
      'restarts by the new supervisor',
      async () => (await status('crash'))!.restarts > after,
      20_000,
    );
    // Back-off applies between the runs: CrashLoopBackOff. A new instance being
    // created or running is the only other truth, and only when the engine's own
    // Created/FinishedAt show one alive while get looked.
    const since = Date.now();
    const shown = await podrun(['get', 'pods', '-n', ns]);
    const until = Date.now();
    // READY is 1/1 while an instance runs (no readiness probe), 0/1 between them.
    const word = /crash\s+[01]\/1\s+(\S+)\s+\d+/.exec(shown.stdout)?.[1];
    if (word !== 'CrashLoopBackOff') {
      expect(['Running', 'ContainerCreating'], shown.stdout).toContain(word);
      const record = await withDetails((await findPodRecord(ns, 'crash'))!);
      const ranThen = record.containers.some((info) => {
        const inspected = record.inspected?.get(info.Id);
        if (!inspected) return false;
        const { State } = inspected;
        const ended = State.Status === 'exited' ? Date.parse(State.FinishedAt) : Infinity;
        return Date.parse(inspected.Created) <= until && ended >= since;
      });
      expect(ranThen, shown.stdout).toBe(true);
    }
  });

  it('brings a pod back when every container stopped, as after an engine restart', async () => {
    const file = manifest(
      'svc',
      `apiVersion: v1
kind: Pod
metadata: { name: svc }
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
    - { name: setup, image: ${TEST_IMAGE}, command: ['true'] }
  containers:
    - { name: app, image: ${TEST_IMAGE}, command: [sleep, '600'] }
`,
    );
    expect((await podrun(['apply', '-f', file, '-n', ns, '--wait=30s'])).code).toBe(0);
    const record = (await findPodRecord(ns, 'svc'))!;
    // What dockerd does to every container when it restarts (RestartPolicy no).
    await Promise.all(record.all.map((info) => stopContainer(info.Id, 0)));
    await waitFor(
      'svc running in a new sandbox',
      async () => {
        const now = await findPodRecord(ns, 'svc');
        return now?.sandbox?.Id !== record.sandbox?.Id && podStatus(now!).status === 'Running';
      },
      30_000,
    );
    const describe = await podrun(['describe', 'pod', 'svc', '-n', ns]);
    expect(describe.stdout).toMatch(/SandboxChanged/);
    // Same pod, new sandbox: its uid and age do not change (as on a node).
    const rebuilt = (await findPodRecord(ns, 'svc'))!;
    expect(rebuilt.uid).toBe(record.uid);
    expect(rebuilt.createdAt.getTime()).toBe(record.createdAt.getTime());
  });

  it('carries on the first run of a pod whose apply was killed halfway', async () => {
    const file = manifest(
      'orphaned',
      `apiVersion: v1
kind: Pod
metadata: { name: orphaned }
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
    - { name: slow, image: ${TEST_IMAGE}, command: [sleep, '2'] }
  containers:
    - { name: app, image: ${TEST_IMAGE}, command: [sleep, '600'] }
`,
    );
    const child = spawn('node', ['bin/podrun.js', 'apply', '-f', file, '-n', ns], {
      stdio: 'ignore',
    });
    await waitFor('the init container to run', async () => {
      const record = await findPodRecord(ns, 'orphaned');
      return record?.containers.some((c) => c.State === 'running');
    });
    child.kill('SIGKILL');
    // The apply's sync loop is gone mid-run; the supervisor runs the same steps on.
    await podrun(['get', 'pods', '-n', ns]); // makes sure a supervisor runs
    await waitFor(
      'orphaned running under the supervisor',
      async () => {
        const record = await findPodRecord(ns, 'orphaned');
        return record && podStatus(record).status === 'Running';
      },
      30_000,
    );
  });

  it('supervisor status and stop', async () => {
    const shown = await podrun(['supervisor', 'status']);
    expect(shown.stdout).toMatch(new RegExp(`scope:\\s+${ns}`));
    expect((await podrun(['supervisor', 'stop'])).stdout).toMatch(/supervisor stopped/);
    expect((await podrun(['supervisor', 'status'])).code).toBe(3);
  });
});
