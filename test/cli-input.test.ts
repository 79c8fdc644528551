// Manifests in (stdin, directories, several -f), delete by manifest or --all, and
// the ways apply must refuse: a name podrun does not own, a missing configMap key,
// an interrupted apply. Each refusal leaves nothing behind.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getDocker } from '../src/docker/client.js';
import { listPodrunContainers } from '../src/docker/containers.js';
import { Labels } from '../src/plan/labels.js';
import { sandboxDockerName } from '../src/plan/names.js';
import { createMarker } from '../src/pod/lifecycle/markers.js';
import {
  cleanNamespace,
  objectsIn,
  podrun,
  sleeperPod,
  TEST_IMAGE,
  testNamespace,
  waitFor,
} from './helpers/pods.js';

const ns = testNamespace('input');
const dir = mkdtempSync(join(tmpdir(), 'podrun-input-'));

afterAll(async () => {
  await cleanNamespace(ns);
});

describe('manifests in', () => {
  it('reads stdin with -f -', async () => {
    const result = await podrun(['apply', '-f', '-', '-n', ns], sleeperPod('from-stdin'));
    expect(result.stdout).toBe('pod/from-stdin created\n');
    expect((await podrun(['get', 'pods', '-n', ns, '-o', 'name'])).stdout).toContain(
      'pod/from-stdin',
    );
  });

  it('reads every *.yaml and *.yml of a directory, and deletes by manifest', async () => {
    const manifests = join(dir, 'manifests');
    mkdirSync(manifests);
    writeFileSync(join(manifests, 'a.yaml'), sleeperPod('dir-a'));
    writeFileSync(join(manifests, 'b.yml'), sleeperPod('dir-b'));
    writeFileSync(join(manifests, 'notes.txt'), 'not a manifest');
    const result = await podrun(['apply', '-f', manifests, '-n', ns]);
    expect(result.stdout).toBe('pod/dir-a created\npod/dir-b created\n');
    const deleted = await podrun(['delete', '-f', manifests, '-n', ns]);
    expect(deleted.stdout).toBe('pod "dir-a" deleted\npod "dir-b" deleted\n');
  });

  it('warns about valid fields podrun does not implement', async () => {
    const file = join(dir, 'warn.yaml');
    const withNodeSelector = sleeperPod('warned').replace(
      '  containers:',
      '  nodeSelector:\n    disk: ssd\n  containers:',
    );
    writeFileSync(file, withNodeSelector);
    const result = await podrun(['apply', '-f', file, '-n', ns, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^Warning: .*warn\.yaml:\d+:\d+: spec\.nodeSelector: /m);
  });

  it('deletes every pod of a namespace with delete pods --all', async () => {
    await podrun(['apply', '-f', '-', '-n', ns], sleeperPod('all-1'));
    const result = await podrun(['delete', 'pods', '--all', '-n', ns]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('pod "all-1" deleted');
    expect(await objectsIn(ns)).toBe(0);
  });
});

describe('input that holds no object', () => {
  // kubectl: `error: no objects passed to apply` (and `... to delete`), exit 1.
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  writeFileSync(join(empty, 'notes.txt'), 'not a manifest');
  const cases: Array<[string, string[], string | undefined]> = [
    ['---\\n---', ['-f', join(dir, 'separators.yaml')], undefined],
    ['an empty file', ['-f', join(dir, 'empty.yaml')], undefined],
    ['only comments', ['-f', join(dir, 'comments.yaml')], undefined],
    ['a directory without manifests', ['-f', empty], undefined],
    ['---\\n--- on stdin', ['-f', '-'], '---\n---\n'],
    ['nothing on stdin', ['-f', '-'], ''],
  ];
  writeFileSync(join(dir, 'separators.yaml'), '---\n---\n');
  writeFileSync(join(dir, 'empty.yaml'), '');
  writeFileSync(join(dir, 'comments.yaml'), '# nothing here\n---\n# nor here\n');

  for (const verb of ['apply', 'delete'] as const) {
    it.each(cases)(`${verb} of %s is an error`, async (_, args, input) => {
      const result = await podrun([verb, ...args, '-n', ns], input ?? '');
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: `error: no objects passed to ${verb}\n`,
      });
    });
  }
});

describe('apply refuses', () => {
  it('a container name held by a container podrun did not create, and leaves it alone', async () => {
    const docker = await getDocker();
    const name = sandboxDockerName(ns, 'squatted');
    const foreign = await docker.createContainer({
      name,
      Image: TEST_IMAGE,
      Cmd: ['true'],
      Labels: { 'io.podrun.test': 'foreign' },
    });
    try {
      const result = await podrun(['apply', '-f', '-', '-n', ns], sleeperPod('squatted'));
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error: container name ${name} is in use by a container podrun did not create; remove or rename it\n`,
      );
      expect((await foreign.inspect()).Name).toBe(`/${name}`);
      expect(await objectsIn(ns)).toBe(0);
    } finally {
      await foreign.remove({ force: true });
    }
  });

  it('a configMap key that does not exist, naming file, line and field', async () => {
    const yaml = `apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  present: "1"
---
${sleeperPod('uses-cfg', {
  extra: `      env:
        - name: MISSING
          valueFrom:
            configMapKeyRef:
              name: cfg
              key: absent
`,
})}`;
    const file = join(dir, 'cfg.yaml');
    writeFileSync(file, yaml);
    const result = await podrun(['apply', '-f', file, '-n', ns]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: .*cfg\.yaml:\d+:\d+: spec\.containers\[0\]\.env\[0\]\.valueFrom\.configMapKeyRef\.key: .*absent/m,
    );
    expect(await objectsIn(ns)).toBe(0);
  });

  it('duplicate container names', async () => {
    const yaml = sleeperPod('dup', { extra: `    - name: main\n      image: ${TEST_IMAGE}\n` });
    const result = await podrun(['apply', '-f', '-', '-n', ns], yaml);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: <stdin>:\d+:\d+: spec\.containers\[1\]\.name: /m);
  });

  it('a dead engine, with one line saying what to do', async () => {
    const env = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
    for (const args of [
      ['get', 'pods'],
      ['apply', '-f', '-'],
    ]) {
      const result = await podrun(args, sleeperPod('no-engine'), env);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^error: cannot reach the Docker engine at unix:\/\/\/nonexistent\/docker\.sock \(ENOENT\); start it[^\n]*\n$/,
      );
    }
  });

  it('and rolls back when interrupted with Ctrl-C halfway', async () => {
    const yaml = `apiVersion: v1
kind: Pod
metadata:
  name: interrupted
spec:
  initContainers:
    - name: slow-init
      image: ${TEST_IMAGE}
      command: ["sleep", "30"]
  containers:
    - name: main
      image: ${TEST_IMAGE}
      command: ["sleep", "3600"]
`;
    const child = spawn('node', ['bin/podrun.js', 'apply', '-f', '-', '-n', ns], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdin.end(yaml);
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    await waitFor('the init container to run', async () => {
      const containers = await listPodrunContainers({
        [Labels.namespace]: ns,
        [Labels.container]: 'slow-init',
      });
      return containers.some((c) => c.State === 'running');
    });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain(
      'error: interrupted: pod/interrupted was rolled back: nothing of it is left',
    );
    expect(await objectsIn(ns)).toBe(0);
  });
});

describe('recovery', () => {
  it('get shows a pod cut short to its deletion marker, and delete finishes it', async () => {
    await createMarker({
      namespace: ns,
      pod: 'half-deleted',
      marker: 'TERMINATING',
      image: TEST_IMAGE,
    });
    const listed = await podrun(['get', 'pods', '-n', ns]);
    expect(listed.stdout).toMatch(/^half-deleted\s+0\/0\s+Terminating\s+/m);
    const deleted = await podrun(['delete', 'pod', 'half-deleted', '-n', ns]);
    expect(deleted.stdout).toBe('pod "half-deleted" deleted\n');
    expect(await objectsIn(ns)).toBe(0);
  });
});
