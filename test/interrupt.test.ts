// Ctrl-C during `podrun apply --wait`: a pod not yet reported created is rolled back
// and never comes back (with a supervisor of the test's scope running); a pod reported
// created stays running, and the message says so and how to remove it. Exit 130.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDocker } from '../src/docker/client.js';
import { listPodrunContainers } from '../src/docker/containers.js';
import { listPodrunVolumes } from '../src/docker/volumes.js';
import { Labels } from '../src/plan/labels.js';
import { namespaceNetworkName } from '../src/plan/names.js';
import { cleanNamespace, podrun, TEST_IMAGE, testNamespace } from './helpers/pods.js';
import { type SupervisedNamespace, superviseNamespace } from './helpers/supervised.js';

const ns = testNamespace('intr');
const dir = mkdtempSync(join(tmpdir(), 'podrun-interrupt-'));
let supervised: SupervisedNamespace;

beforeAll(async () => {
  supervised = await superviseNamespace(ns, 300);
});

afterAll(async () => {
  await supervised?.stop();
  await cleanNamespace(ns);
});

/** A pod with an emptyDir (a volume to roll back) that never becomes Ready. */
function neverReadyPod(name: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 0
  volumes:
    - name: scratch
      emptyDir: {}
  containers:
    - name: main
      image: ${TEST_IMAGE}
      command: ["sleep", "3600"]
      volumeMounts:
        - name: scratch
          mountPath: /scratch
      readinessProbe:
        exec:
          command: ["false"]
        periodSeconds: 1
`;
}

interface Applying {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once `pattern` shows on stdout or stderr. */
  seen(pattern: RegExp): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function applyWait(name: string): Applying {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, neverReadyPod(name));
  const child = spawn(
    'node',
    ['bin/podrun.js', 'apply', '-f', file, '-n', ns, '--wait', '--log-level', 'debug'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  const onData = () => {
    for (const check of waiters) check();
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    onData();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    onData();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    seen: (pattern) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(out) || pattern.test(err)) resolve();
        };
        waiters.push(check);
        check();
        void exited.then(() => {
          check();
          reject(new Error(`exited before ${pattern}:\n${out}\n${err}`));
        });
      }),
  };
}

/** Every podrun object of the pod: containers, its volumes; and the namespace network. */
async function leftOf(pod: string): Promise<string[]> {
  const containers = await listPodrunContainers({
    [Labels.namespace]: ns,
    [Labels.pod]: pod,
  });
  const volumes = (await listPodrunVolumes({ [Labels.namespace]: ns })).filter(
    (volume) => volume.Labels?.[Labels.pod] === pod,
  );
  const networks = (await (await getDocker()).listNetworks()).filter(
    (network) => network.Name === namespaceNetworkName(ns),
  );
  return [
    ...containers.map((c) => `container ${c.Names[0]}`),
    ...volumes.map((v) => `volume ${v.Name}`),
    ...networks.map((n) => `network ${n.Name}`),
  ];
}

/** Long enough for the supervisor (tick 300 ms) to have brought a pod back, if it would. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 3000));

// Plain text without the debug lines: what the user reads.
const messages = (stderr: string) =>
  stderr.split('\n').filter((line) => /^(error|SIGINT)/.test(line));

describe('Ctrl-C before the pod is reported created', () => {
  it('right after spawn: exits 130 (or dies of the signal before podrun runs) and leaves nothing', async () => {
    const applying = applyWait('at-spawn');
    await new Promise((resolve) => applying.child.once('spawn', resolve));
    applying.child.kill('SIGINT');
    const { code, signal } = await applying.exited;
    // Node's own start-up (before any podrun code) ends with the default action.
    if (signal === null) {
      expect(code).toBe(130);
      expect(messages(applying.stderr()).at(-1)).toMatch(
        // "error: interrupted" alone: after the CLI loaded, before apply's own handler.
        /^error: interrupted(: (nothing was (done|created)|pod\/at-spawn was (not created|rolled back: nothing of it is left)))?$/,
      );
    } else {
      expect(signal).toBe('SIGINT');
    }
    expect(applying.stdout()).toBe('');
    await settle();
    expect(await leftOf('at-spawn')).toEqual([]);
  });

  it('at the first engine call: exits 130, nothing was created', async () => {
    const applying = applyWait('at-start');
    await applying.seen(/DEBUG: /);
    applying.child.kill('SIGINT');
    expect((await applying.exited).code).toBe(130);
    expect(applying.stdout()).toBe('');
    expect(messages(applying.stderr()).at(-1)).toMatch(
      /^error: interrupted: (nothing was created|pod\/at-start was (not created|rolled back: nothing of it is left))$/,
    );
    await settle();
    expect(await leftOf('at-start')).toEqual([]);
  });

  it('while the sandbox is being made: rolled back, and it never comes back', async () => {
    const applying = applyWait('at-sandbox');
    // Logged once the engine has created the pause container, before it is started.
    await applying.seen(new RegExp(`create container podrun_${ns}_at-sandbox_POD_0`));
    applying.child.kill('SIGINT');
    expect((await applying.exited).code).toBe(130);
    expect(applying.stdout()).toBe('');
    expect(messages(applying.stderr())).toEqual([
      'SIGINT received: stopping and removing what this apply created...',
      'error: interrupted: pod/at-sandbox was rolled back: nothing of it is left',
    ]);
    await settle();
    expect(await leftOf('at-sandbox')).toEqual([]);
  });

  it('as the app container is made: the message matches what the engine holds', async () => {
    // The signal lands around the end of the start: either before the report (rolled
    // back, nothing printed) or after it (printed, left running). Never in between.
    const applying = applyWait('at-app');
    await applying.seen(new RegExp(`create container podrun_${ns}_at-app_main_0`));
    applying.child.kill('SIGINT');
    expect((await applying.exited).code).toBe(130);
    const last = messages(applying.stderr()).at(-1);
    await settle();
    if (applying.stdout() === '') {
      expect(last).toBe('error: interrupted: pod/at-app was rolled back: nothing of it is left');
      expect(await leftOf('at-app')).toEqual([]);
    } else {
      expect(applying.stdout()).toBe('pod/at-app created\n');
      expect(last).toBe(
        `error: interrupted: pod/at-app was left running (podrun delete pod at-app -n ${ns} to remove it)`,
      );
      expect((await supervised.status('at-app')).phase).toBe('Running');
      await podrun(['delete', 'pod', 'at-app', '-n', ns, '--grace-period', '0']);
    }
  });
});

describe('Ctrl-C after the pod is reported created', () => {
  it('leaves it running and says how to remove it', async () => {
    const applying = applyWait('reported');
    await applying.seen(/^pod\/reported created$/m);
    // --wait is now waiting for a readiness probe that never passes.
    applying.child.kill('SIGINT');
    expect((await applying.exited).code).toBe(130);
    expect(applying.stdout()).toBe('pod/reported created\n');
    expect(messages(applying.stderr())).toEqual([
      'SIGINT received: stopping; the pods stay...',
      `error: interrupted: pod/reported was left running (podrun delete pod reported -n ${ns} to remove it)`,
    ]);
    await settle();
    const status = await supervised.status('reported');
    expect(status.phase).toBe('Running');
    const deleted = await podrun(['delete', 'pod', 'reported', '-n', ns, '--grace-period', '0']);
    expect(deleted.stdout).toBe('pod "reported" deleted\n');
    expect(await leftOf('reported')).toEqual([]);
  });
});
