// The reaper: when a process using the library dies, even by SIGKILL, everything it
// created goes right after, removed by its watchdog; pods of the CLI and of other live
// processes stay. "After" is read from the engine's own destroy events (no wall-clock
// upper bound: the machine is shared); the deadline of the wait is only a test timeout.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { listPodrunContainers } from '../src/docker/containers.js';
import { listPodrunNetworks } from '../src/docker/networks.js';
import { listPodrunVolumes } from '../src/docker/volumes.js';
import { ownerSession, startPod } from '../src/index.js';
import { Labels } from '../src/plan/labels.js';
import { findPodRecord } from '../src/pod/records.js';
import { namespaceEvents } from './helpers/events.js';
import { applyYaml, cleanNamespace, TEST_IMAGE, testNamespace, waitFor } from './helpers/pods.js';

const ns = testNamespace('reap');
/** Only a test timeout for the waits below, never an assertion about speed. */
const DEADLINE_MS = 60_000;

afterAll(async () => {
  await cleanNamespace(ns);
});

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function startChild(mode: 'hang' | 'exit'): {
  child: ChildProcess;
  ready: Promise<{ pod: string; owner: string }>;
} {
  const child = spawn(
    process.execPath,
    ['--import', tsx, 'test/helpers/library-child.ts', ns, mode],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ready = new Promise<{ pod: string; owner: string }>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready (\S+) (\S+)\n/.exec(output);
      if (match) resolve({ pod: match[1]!, owner: match[2]! });
    });
    child.once('exit', (code) => {
      if (!/ready /.test(output)) reject(new Error(`child exited with ${code} before ready`));
    });
  });
  return { child, ready };
}

async function ownedObjects(owner: string): Promise<string[]> {
  const containers = await listPodrunContainers({ [Labels.owner]: owner });
  const volumes = await listPodrunVolumes({ [Labels.owner]: owner });
  return [...containers.map((c) => c.Names[0] ?? c.Id), ...volumes.map((v) => v.Name)];
}

function watchdogRunning(owner: string): boolean {
  const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return processes.split('\n').some((line) => line.includes('watchdog') && line.includes(owner));
}

const bystander = (name: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - { name: main, image: ${TEST_IMAGE}, command: ["sleep", "3600"] }
`;

describe('the reaper', () => {
  it(
    'removes pods, volumes and claims of a SIGKILLed process after it died, and nothing else',
    async () => {
      // A CLI pod (no owner) and a pod of this live process share the namespace.
      await applyYaml(bystander('cli-pod'), ns);
      await using mine = await startPod(bystander('mine'), { namespace: ns });

      const { child, ready } = startChild('hang');
      const { pod, owner } = await ready;
      expect(owner).not.toBe(ownerSession());
      const before = await ownedObjects(owner);
      // sandbox + container, emptyDir volume, claim volume.
      expect(before.length).toBeGreaterThanOrEqual(4);
      const doomedContainers = (await listPodrunContainers({ [Labels.owner]: owner })).map((c) =>
        (c.Names[0] ?? '').replace(/^\//, ''),
      );
      expect(doomedContainers.length).toBeGreaterThanOrEqual(2);

      const killedAt = Date.now();
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      expect(child.signalCode).toBe('SIGKILL');
      await waitFor(
        'the reaper',
        async () => (await ownedObjects(owner)).length === 0,
        DEADLINE_MS,
      );
      // The engine's record: every container of the dead process's pod was destroyed,
      // each after the SIGKILL (same host clock), none before.
      const destroyed = (await namespaceEvents(ns, killedAt - 5000)).filter(
        (e) => e.action === 'destroy' && doomedContainers.includes(e.name),
      );
      expect(destroyed.map((e) => e.name).sort()).toEqual([...doomedContainers].sort());
      for (const event of destroyed) expect(event.at).toBeGreaterThan(killedAt);
      const last = Math.max(...destroyed.map((e) => e.at));
      console.log(
        `reaper destroyed ${doomedContainers.length} containers, last ${Math.round(last - killedAt)} ms after SIGKILL (engine time)`,
      );
      expect(await findPodRecord(ns, pod)).toBeUndefined();

      expect(await findPodRecord(ns, 'cli-pod')).toBeDefined();
      expect(await findPodRecord(ns, mine.name)).toBeDefined();
      const networks = await listPodrunNetworks({ [Labels.namespace]: ns });
      expect(networks.map((network) => network.Name)).toContain(`podrun_${ns}`);
      await waitFor('the watchdog to exit', async () => !watchdogRunning(owner), DEADLINE_MS);
    },
    3 * DEADLINE_MS,
  );

  it(
    'cleans up after a process that exits without deleting its pod, then exits itself',
    async () => {
      const { child, ready } = startChild('exit');
      const { owner } = await ready;
      await new Promise((resolve) => child.once('exit', resolve));
      await waitFor(
        'the reaper',
        async () => (await ownedObjects(owner)).length === 0,
        DEADLINE_MS,
      );
      await waitFor('the watchdog to exit', async () => !watchdogRunning(owner), DEADLINE_MS);
    },
    3 * DEADLINE_MS,
  );
});
