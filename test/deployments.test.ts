// Deployments and ReplicaSets through the CLI, with a supervisor of this file's own
// scope running their controllers: replicas, replacement of a lost pod, unchanged
// re-apply, scaling, a rolling update, a supervisor restart mid-way, and a delete that
// cascades to nothing.
import { afterAll, describe, expect, it } from 'vitest';
import { listPodrunContainers, removeContainer } from '../src/docker/containers.js';
import { listPodrunVolumes } from '../src/docker/volumes.js';
import { Labels } from '../src/plan/labels.js';
import { podrun, TEST_IMAGE, waitFor, writeManifest } from './helpers/pods.js';
import { scopedNamespace } from './helpers/supervised.js';

const { ns, ok: cli, cleanUp } = scopedNamespace('deploy');

afterAll(cleanUp);

const POD_NAME = /^web-([bcdfghjklmnpqrstvwxz2456789]+)-[bcdfghjklmnpqrstvwxz2456789]{5}$/;

function manifest(replicas: number, version: string): string {
  return writeManifest(
    ns,
    `web-${version}-${replicas}`,
    `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 0
      containers:
        - name: app
          image: ${TEST_IMAGE}
          command: [sh, -c, 'echo ${version}; exec sleep 3600']
          readinessProbe: { exec: { command: ['true'] }, periodSeconds: 1, timeoutSeconds: 10 }
`,
  );
}

interface Row {
  name: string;
  ready: string;
  status: string;
}

async function pods(): Promise<Row[]> {
  const out = await cli(['get', 'pods']);
  return out
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => {
      const [name, ready, status] = line.split(/\s+/);
      return { name: name!, ready: ready!, status: status! };
    });
}

/** Pods not being deleted. */
async function live(): Promise<Row[]> {
  return (await pods()).filter((p) => p.status !== 'Terminating');
}

/** Exactly `count` pods, all Ready and Running, all of one template hash (returned). */
async function settled(count: number, hash?: string): Promise<Row[]> {
  return waitFor(
    `${count} ready pods${hash ? ` of ${hash}` : ''}`,
    async () => {
      const all = await pods();
      if (all.length !== count) return undefined;
      if (!all.every((p) => p.ready === '1/1' && p.status === 'Running')) return undefined;
      if (hash && !all.every((p) => POD_NAME.exec(p.name)?.[1] === hash)) return undefined;
      return all;
    },
    180_000,
  );
}

async function replicaSets(): Promise<Record<string, string[]>> {
  const out = await cli(['get', 'rs']);
  const rows: Record<string, string[]> = {};
  for (const line of out.split('\n').slice(1).filter(Boolean)) {
    const [name, ...cells] = line.split(/\s+/);
    rows[name!] = cells.slice(0, 3);
  }
  return rows;
}

describe.sequential('deployments', () => {
  let hash = '';
  /** The pod whose containers the test removed behind podrun's back (its volumes stay a while). */
  let removedPod = '';

  it('a template podrun cannot plan fails the apply at its line, and nothing is stored', async () => {
    const file = writeManifest(
      ns,
      'bad',
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: bad }
spec:
  selector: { matchLabels: { app: bad } }
  template:
    metadata: { labels: { app: bad } }
    spec:
      containers:
        - name: app
          image: ${TEST_IMAGE}
          env:
            - name: X
              valueFrom: { configMapKeyRef: { name: nope, key: k } }
`,
    );
    const result = await podrun(['apply', '-f', file, '-n', ns]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: ${file}:14:28: spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef: configmap "nope" not found in namespace ${ns}\n`,
    );
    expect(result.stdout).toBe('');
    expect(await listPodrunContainers({ [Labels.namespace]: ns })).toEqual([]);
  }, 300_000);

  it('replicas: 3 gives 3 Ready pods named <deploy>-<hash>-<5 chars>, owned by its ReplicaSet', async () => {
    const out = await cli(['apply', '-f', manifest(3, 'v1'), '--wait=90s']);
    expect(out).toMatch(/^deployment\.apps\/web created$/m);
    expect(out).toMatch(/^deployment\.apps\/web available$/m);
    const ready = await settled(3);
    hash = POD_NAME.exec(ready[0]!.name)![1]!;
    for (const pod of ready) expect(pod.name).toMatch(POD_NAME);
    expect(new Set(ready.map((p) => POD_NAME.exec(p.name)![1])).size).toBe(1);
    expect(await replicaSets()).toEqual({ [`web-${hash}`]: ['3', '3', '3'] });
    expect(await cli(['get', 'deploy'])).toMatch(
      /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+3\/3\s+3\s+3\s+\d+s\n$/,
    );
    const wide = (await cli(['get', 'deploy,rs', '-o', 'wide'])).split('\n');
    expect(wide[0]).toMatch(
      /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/,
    );
    expect(wide[1]).toMatch(/^deployment\.apps\/web\s+3\/3\s+3\s+3\s+\d+s\s+app\s+\S+\s+app=web$/);
    expect(wide).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^replicaset\\.apps/web-${hash}\\s+3\\s+3\\s+3\\s+\\d+s\\s+app\\s+\\S+\\s+app=web,pod-template-hash=${hash}$`,
        ),
      ),
    );
    // describe without a name: every one of the kind, or those -l selects by the
    // object's own labels (the Deployment has none; its ReplicaSet has the template's).
    expect((await cli(['describe', 'deploy'])).match(/^Name:\s+\S+$/gm)).toEqual([
      'Name:                   web',
    ]);
    const rsText = await cli(['describe', 'rs', '-l', 'app=web']);
    expect(rsText.match(/^Name:\s+\S+$/gm)).toEqual([`Name:         web-${hash}`]);
    // The ReplicaSet controller's events: one SuccessfulCreate per pod it made.
    expect(rsText.match(/SuccessfulCreate\s.*Created pod: web-\S+/g)).toHaveLength(3);
    const none = await podrun(['describe', 'deploy', '-l', 'app=web', '-n', ns]);
    expect(none).toEqual({
      code: 0,
      stdout: '',
      stderr: `No resources found in ${ns} namespace.\n`,
    });
    const pod = JSON.parse(await cli(['get', 'pods', ready[0]!.name, '-o', 'json']));
    expect(pod.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(pod.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'ReplicaSet', name: `web-${hash}`, controller: true }),
    ]);
  }, 300_000);

  it('a pod whose containers are removed, or that is deleted, is replaced', async () => {
    const [first, second] = await settled(3);
    removedPod = first!.name;
    // With no supervisor running, so that none rebuilds the pod from what is left of
    // it halfway through the removal (a pod with containers left is restarted, not
    // replaced): the pod is gone altogether, and only its ReplicaSet can bring it back.
    expect((await podrun(['supervisor', 'stop'])).code).toBe(0);
    const containers = await listPodrunContainers({
      [Labels.namespace]: ns,
      [Labels.pod]: first!.name,
    });
    expect(containers.length).toBeGreaterThan(1);
    await Promise.all(containers.map((container) => removeContainer(container.Id)));
    expect((await podrun(['supervisor', 'start'])).code).toBe(0);
    const afterRemove = await waitFor(
      'a replacement of the removed pod',
      async () => {
        const all = await settled(3);
        return all.every((p) => p.name !== first!.name) && all;
      },
      180_000,
    );
    expect(afterRemove.map((p) => p.name)).toContain(second!.name);

    expect(await cli(['delete', 'pod', second!.name])).toMatch(/deleted/);
    await waitFor(
      'a replacement of the deleted pod',
      async () => {
        const all = await settled(3);
        return all.every((p) => p.name !== second!.name) && all;
      },
      180_000,
    );
  }, 300_000);

  it('a re-apply of the same file is unchanged and makes no pod', async () => {
    const before = (await settled(3)).map((p) => p.name).sort();
    expect(await cli(['apply', '-f', manifest(3, 'v1')])).toBe('deployment.apps/web unchanged\n');
    // Two supervisor ticks later, the same pods.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await pods()).map((p) => p.name).sort()).toEqual(before);
  }, 300_000);

  it('scale to 1 and back to 2', async () => {
    const before = (await settled(3)).map((p) => p.name);
    expect(await cli(['scale', 'deployment/web', '--replicas=1'])).toBe(
      'deployment.apps/web scaled\n',
    );
    const one = await settled(1);
    expect(before).toContain(one[0]!.name);
    expect(await replicaSets()).toEqual({ [`web-${hash}`]: ['1', '1', '1'] });
    await cli(['scale', 'deployment', 'web', '--replicas=2']);
    const two = await settled(2, hash);
    expect(two.map((p) => p.name)).toContain(one[0]!.name);
  }, 300_000);

  it('a template change rolls out to new pods; the old ReplicaSet scales to 0', async () => {
    const out = await cli(['apply', '-f', manifest(3, 'v2'), '--wait=90s']);
    expect(out).toMatch(/^deployment\.apps\/web configured$/m);
    expect(out).toMatch(/^deployment\.apps\/web available$/m);
    const rolled = await waitFor(
      'every pod of the new template',
      async () => {
        const all = await settled(3);
        const hashes = new Set(all.map((p) => POD_NAME.exec(p.name)![1]));
        return hashes.size === 1 && !hashes.has(hash) && all;
      },
      180_000,
    );
    const newHash = POD_NAME.exec(rolled[0]!.name)![1]!;
    expect(await replicaSets()).toEqual({
      [`web-${hash}`]: ['0', '0', '0'],
      [`web-${newHash}`]: ['3', '3', '3'],
    });
    const log = await cli(['logs', rolled[0]!.name]);
    expect(log).toBe('v2\n');
    hash = newHash;
  }, 300_000);

  it('a supervisor restart in the middle of a rollout keeps 3 replicas, no duplicates', async () => {
    await cli(['apply', '-f', manifest(3, 'v3')]);
    // Stopped once the rollout is under way: a pod of the new template exists.
    await waitFor(
      'the first pod of the v3 template',
      async () => (await pods()).some((p) => POD_NAME.exec(p.name)?.[1] !== hash),
      180_000,
    );
    expect((await podrun(['supervisor', 'stop'])).code).toBe(0);
    expect((await podrun(['supervisor', 'start'])).code).toBe(0);
    const rolled = await waitFor(
      'every pod of the v3 template',
      async () => {
        const all = await settled(3);
        const hashes = new Set(all.map((p) => POD_NAME.exec(p.name)![1]));
        return hashes.size === 1 && !hashes.has(hash) && all;
      },
      180_000,
    );
    const v3 = POD_NAME.exec(rolled[0]!.name)![1]!;
    const sets = await replicaSets();
    // v1, v2 and v3: one ReplicaSet per template, none twice.
    expect(Object.keys(sets)).toHaveLength(3);
    expect(Object.keys(sets)).toContain(`web-${hash}`);
    expect(sets[`web-${v3}`]).toEqual(['3', '3', '3']);
    const total = Object.values(sets).reduce((n, cells) => n + Number(cells[1]), 0);
    expect(total).toBe(3);
    expect(await cli(['get', 'deploy'])).toMatch(/^web\s+3\/3\s+3\s+3\s/m);
  }, 300_000);

  it('delete cascades: ReplicaSets and pods, and nothing is left', async () => {
    expect(await cli(['delete', 'deployment', 'web'])).toBe('deployment.apps "web" deleted\n');
    await waitFor(
      'nothing left of the namespace',
      async () => (await listPodrunContainers({ [Labels.namespace]: ns })).length === 0,
      60_000,
    );
    const volumes = await listPodrunVolumes({ [Labels.namespace]: ns });
    expect(volumes.filter((v) => v.Labels?.[Labels.pod] !== removedPod)).toEqual([]);
    const none = await podrun(['get', 'deploy', '-n', ns]);
    expect(none.stderr).toBe(`No resources found in ${ns} namespace.\n`);
    expect((await podrun(['get', 'rs', '-n', ns])).stderr).toBe(
      `No resources found in ${ns} namespace.\n`,
    );
    expect((await live()).length).toBe(0);
  }, 300_000);
});
