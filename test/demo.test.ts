// README, the two commands: `npm run demo` (scripts/demo.sh) starts an engine if none
// answers, builds, applies examples/web-sidecar.yaml, fetches its page through hostPort
// 8080, and cleans up. This runs the script itself and checks its exit code, the page
// it printed, and that nothing of the pod is left. The example's fixed names are the
// demo's own: namespace default and host port 8080 are used by no other test (a
// foreign holder of either fails this test instead of being touched).
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPodrunContainers } from '../src/docker/containers.js';
import { listPodrunNetworks } from '../src/docker/networks.js';
import { listPodrunVolumes } from '../src/docker/volumes.js';
import { Labels } from '../src/plan/labels.js';
import { findPodRecord } from '../src/pod/records.js';
import { podrun, testNamespace } from './helpers/pods.js';

const run = promisify(execFile);
// The demo's pods get a supervisor of this run's own, stopped afterwards.
const scope = testNamespace('demo');
const POD = { [Labels.namespace]: 'default', [Labels.pod]: 'web' };

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

async function podObjects(): Promise<string[]> {
  const [containers, volumes] = await Promise.all([
    listPodrunContainers(POD),
    listPodrunVolumes(POD),
  ]);
  return [...containers.map((c) => c.Names[0] ?? c.Id), ...volumes.map((v) => v.Name)];
}

async function defaultNetworkExists(): Promise<boolean> {
  const networks = await listPodrunNetworks({ [Labels.namespace]: 'default' });
  return networks.some((network) => network.Name === 'podrun_default');
}

let networkBefore = false;

beforeAll(async () => {
  if (await findPodRecord('default', 'web')) {
    throw new Error('a pod default/web exists already: the demo test does not touch it');
  }
  if (!(await portFree(8080))) {
    throw new Error('host port 8080 is taken: the demo needs it');
  }
  networkBefore = await defaultNetworkExists();
});

afterAll(async () => {
  await podrun(['supervisor', 'stop'], undefined, { PODRUN_SUPERVISOR_SCOPE: scope });
});

describe('npm run demo', () => {
  it('applies the example, prints its page, exits 0 and leaves nothing behind', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PODRUN_SUPERVISOR_SCOPE: scope };
    delete env.PODRUN_PAUSE_IMAGE; // the demo as a user runs it: the default order
    const { stdout } = await run('bash', ['scripts/demo.sh'], { env, maxBuffer: 16 << 20 });
    expect(stdout).toContain('<h1>Hello from pod web</h1>');
    expect(stdout).toMatch(/^web\s+2\/2\s+Running\s/m); // get pods -o wide
    // Its EXIT trap deleted the pod: no container or volume of it, the port is free,
    // and the namespace network is as it was (removed when the demo made it).
    expect(await podObjects()).toEqual([]);
    expect(await findPodRecord('default', 'web')).toBeUndefined();
    expect(await portFree(8080)).toBe(true);
    expect(await defaultNetworkExists()).toBe(networkBefore);
  }, 600_000);
});
