// The kubectl-like verbs, run as a user runs them: the built CLI in a child process.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPodrunNetworks } from '../src/docker/networks.js';
import { Labels } from '../src/plan/labels.js';
import { freePort } from './helpers/net.js';
import {
  cleanNamespace,
  objectsIn,
  podrun,
  TEST_IMAGE,
  testNamespace,
  waitFor,
} from './helpers/pods.js';

const ns = testNamespace('cli');
const dir = mkdtempSync(join(tmpdir(), 'podrun-cli-'));

let port = 0;
let webFile = '';

function webYaml(body: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  terminationGracePeriodSeconds: 2
  containers:
    - name: httpd
      image: ${TEST_IMAGE}
      command: ["sh", "-c", "mkdir -p /www && echo ${body} > /www/index.html && echo serving && exec httpd -f -v -p 8080 -h /www"]
      ports:
        - containerPort: 8080
          hostPort: ${port}
          hostIP: 127.0.0.1
    - name: helper
      image: ${TEST_IMAGE}
      command: ["sh", "-c", "echo helper-started; exec sleep 3600"]
`;
}

beforeAll(async () => {
  port = await freePort();
  webFile = join(dir, 'web.yaml');
  writeFileSync(webFile, webYaml('first'));
});

afterAll(async () => {
  await cleanNamespace(ns);
});

describe('podrun CLI', () => {
  it('apply creates the pod and its hostPort answers from the host', async () => {
    const result = await podrun(['apply', '-f', webFile, '-n', ns]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('pod/web created\n');
    expect(result.code).toBe(0);
    const body = await waitFor('page on the hostPort', async () => {
      const response = await fetch(`http://127.0.0.1:${port}/index.html`);
      return response.ok ? (await response.text()).trim() : undefined;
    });
    expect(body).toBe('first');
  });

  it('re-applying an unchanged manifest touches nothing; a changed one replaces the pod', async () => {
    const unchanged = await podrun(['apply', '-f', webFile, '-n', ns]);
    expect(unchanged.stdout).toBe('pod/web unchanged\n');
    writeFileSync(webFile, webYaml('second'));
    const configured = await podrun(['apply', '-f', webFile, '-n', ns]);
    expect(configured.stdout).toBe('pod/web configured\n');
    const body = await waitFor('new page', async () => {
      const response = await fetch(`http://127.0.0.1:${port}/index.html`);
      return response.ok ? (await response.text()).trim() : undefined;
    });
    expect(body).toBe('second');
  });

  it('get pods shows kubectl columns and status words', async () => {
    const table = await podrun(['get', 'pods', '-n', ns]);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(lines[1]).toMatch(/^web\s+2\/2\s+Running\s+0\s+\d+s$/);
    const wide = await podrun(['get', 'pods', '-n', ns, '-o', 'wide']);
    expect(wide.stdout).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\s+PORTS\n/,
    );
    expect(wide.stdout).toMatch(
      new RegExp(
        `\\n(web\\s+2/2\\s+Running\\s+0\\s+\\d+s\\s+\\d+\\.\\d+\\.\\d+\\.\\d+\\s+podrun\\s+<none>\\s+<none>\\s+)127\\.0\\.0\\.1:${port}->8080/tcp\\n`,
      ),
    );
    const json = JSON.parse((await podrun(['get', 'pods', 'web', '-n', ns, '-o', 'json'])).stdout);
    expect(json.kind).toBe('Pod');
    expect(json.status.phase).toBe('Running');
    expect(json.status.containerStatuses.map((c: { name: string }) => c.name)).toEqual([
      'httpd',
      'helper',
    ]);
    expect((await podrun(['get', 'pods', '-n', ns, '-o', 'name'])).stdout).toBe('pod/web\n');
  });

  it('logs shows the default container, or every container with prefixes', async () => {
    const logs = await waitFor('serving line', async () => {
      const result = await podrun(['logs', 'web', '-n', ns]);
      return result.stdout.includes('serving') ? result : undefined;
    });
    expect(logs.stdout).not.toContain('helper-started');
    const all = await podrun(['logs', 'web', '-n', ns, '--all-containers']);
    expect(all.stdout).toContain('[pod/web/httpd] serving');
    expect(all.stdout).toContain('[pod/web/helper] helper-started');
    const tail = await podrun(['logs', 'web', '-n', ns, '-c', 'helper', '--tail', '1']);
    expect(tail.stdout).toBe('helper-started\n');
  });

  it('exec returns the command exit code and keeps stdout and stderr apart', async () => {
    const result = await podrun([
      'exec',
      'web',
      '-n',
      ns,
      '-c',
      'helper',
      '--',
      'sh',
      '-c',
      'echo out; echo err >&2; exit 7',
    ]);
    expect(result.code).toBe(7);
    expect(result.stdout).toBe('out\n');
    expect(result.stderr).toBe('err\n');
  });

  it('describe lists containers, state, mounts and events', async () => {
    const result = await podrun(['describe', 'pod', 'web', '-n', ns]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Name:\s+web/);
    expect(result.stdout).toMatch(/httpd:[\s\S]*State:\s+Running/);
    expect(result.stdout).toMatch(/Events:[\s\S]*Started/);
  });

  it('delete stops gracefully, removes everything and releases the hostPort', async () => {
    const result = await podrun(['delete', 'pod', 'web', '-n', ns]);
    expect(result.stdout).toBe('pod "web" deleted\n');
    expect(await objectsIn(ns)).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    const networks = await listPodrunNetworks({ [Labels.namespace]: ns });
    expect(networks).toHaveLength(0);
    const missing = await podrun(['delete', 'pod', 'web', '-n', ns]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`error: pods "web" not found in namespace ${ns}\n`);
  });

  it('dry-run prints the Docker create options and creates nothing', async () => {
    const result = await podrun(['apply', '-f', webFile, '-n', ns, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('IpcMode: shareable');
    expect(result.stdout).toContain('NetworkMode: container:podrun_');
    expect(await objectsIn(ns)).toBe(0);
  });

  it('a reader that goes away (| head -1) ends the command quietly, not with an EPIPE trace', async () => {
    // Enough output to outlast the pipe: the plans of 100 pods.
    const many = Array.from({ length: 100 }, (_, i) =>
      webYaml('x')
        .replace('name: web', `name: web-${i}`)
        .replace(/\s+ports:[\s\S]*$/, '\n'),
    ).join('---\n');
    const file = join(dir, 'many.yaml');
    writeFileSync(file, many);
    const { spawn } = await import('node:child_process');
    const child = spawn('node', ['bin/podrun.js', 'apply', '-f', file, '-n', ns, '--dry-run']);
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    // What `head -1` does: read a little, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
    expect(await objectsIn(ns)).toBe(0);
  });
});

describe('bad input', () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      'unknown field',
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers:\n    - name: a\n      imagee: x\n`,
      /^error: bad\.yaml:8:7: spec\.containers\[0\]\.imagee: unknown field \(did you mean "image"\?\)$/m,
    ],
    [
      'broken YAML',
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: [bad\n`,
      /^error: bad\.yaml:\d+:\d+: /m,
    ],
    [
      'volumeMount naming no volume',
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers:\n    - name: a\n      image: ${TEST_IMAGE}\n      volumeMounts:\n        - name: nope\n          mountPath: /x\n`,
      /^error: bad\.yaml:10:\d+: spec\.containers\[0\]\.volumeMounts\[0\]\.name: /m,
    ],
    [
      'wrong type',
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers:\n    - name: a\n      image: ${TEST_IMAGE}\n      ports:\n        - containerPort: eighty\n`,
      /^error: bad\.yaml:10:\d+: spec\.containers\[0\]\.ports\[0\]\.containerPort: /m,
    ],
    [
      'missing image that cannot be pulled',
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers:\n    - name: a\n      image: 127.0.0.1:1/podrun/missing:1\n`,
      /^error: .*127\.0\.0\.1:1\/podrun\/missing:1/m,
    ],
  ];
  for (const [name, yaml, expected] of cases) {
    it(`${name}: one clear line, exit 1, nothing created`, async () => {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, yaml);
      const before = await objectsIn(ns);
      const result = await podrun(['apply', '-f', file, '-n', ns]);
      expect(result.code).toBe(1);
      expect(result.stderr.replaceAll(`${dir}/`, '')).toMatch(expected);
      expect(await objectsIn(ns)).toBe(before);
    });
  }
});
