// kubectl's `get` output options through the CLI (issue 13): --no-headers,
// --show-labels, -L, --sort-by, custom-columns, --field-selector, get all, and
// get pods -w printing a row when a pod goes away, then exiting 0 on Ctrl-C.
// The layouts themselves are golden-tested in src/cli/*.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listServiceRecords } from '../src/pod/service-records.js';
import { deleteServiceRecord } from '../src/services/delete-service.js';
import { stopSupervisor } from '../src/supervisor/launch.js';
import { startPodrun } from './helpers/cli-process.js';
import {
  cleanNamespace,
  podrun,
  sleeperPod,
  testNamespace,
  waitFor,
  writeManifest,
} from './helpers/pods.js';

const ns = testNamespace('getout');
process.env.PODRUN_SUPERVISOR_SCOPE = ns;

const labelled = (name: string, tier: string) =>
  sleeperPod(name).replace(
    `  name: ${name}\n`,
    `  name: ${name}\n  labels: { app: web, tier: ${tier} }\n`,
  );

const service = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
  ports: [{ port: 80 }]
`;

beforeAll(async () => {
  const file = writeManifest(
    ns,
    'pods',
    [labelled('alpha', 'front'), labelled('beta', 'back'), service].join('---\n'),
  );
  const applied = await podrun(['apply', '-f', file, '-n', ns, '--wait=60s']);
  expect(applied.stderr).toBe('');
  expect(applied.code).toBe(0);
}, 120_000);

afterAll(async () => {
  await stopSupervisor();
  for (const record of await listServiceRecords({ namespace: ns }))
    await deleteServiceRecord(record);
  await cleanNamespace(ns);
});

const get = (...args: string[]) => podrun(['get', ...args, '-n', ns]);

describe('podrun get output options', () => {
  it('--no-headers prints the rows only', async () => {
    const result = await get('pods', '--no-headers');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    // Widths from the rows alone, as kubectl (RESTARTS gets the minimum of 6).
    expect(lines[0]).toMatch(/^alpha {3}1\/1 {3}Running {3}0 {5}\S+$/);
    expect(lines[1]).toMatch(/^beta {4}1\/1 {3}Running {3}0 {5}\S+$/);
  });

  it('--show-labels and -L add their columns after AGE', async () => {
    const labels = (await get('pods', '--show-labels')).stdout.split('\n');
    expect(labels[0]).toMatch(/^NAME {4}READY {3}STATUS {4}RESTARTS {3}AGE +LABELS$/);
    expect(labels[1]).toMatch(/^alpha .* app=web,tier=front$/);
    expect(labels[2]).toMatch(/^beta .* app=web,tier=back$/);
    const columns = (await get('pods', '-L', 'tier,missing', '-L', 'app')).stdout.split('\n');
    expect(columns[0]).toMatch(/ AGE +TIER {4}MISSING {3}APP$/);
    expect(columns[1]).toMatch(/ front {13}web$/);
    expect(columns[2]).toMatch(/ back {14}web$/);
  });

  it('--sort-by and -o custom-columns, missing values <none>', async () => {
    const sorted = await get(
      'pods',
      '--sort-by=.metadata.labels.tier',
      '-o',
      'custom-columns=NAME:.metadata.name,TIER:.metadata.labels.tier,SEL:.spec.nodeSelector,C:.spec.containers[*].name',
    );
    expect(sorted.stderr).toBe('');
    expect(sorted.stdout).toBe(
      'NAME    TIER    SEL      C\nbeta    back    <none>   main\nalpha   front   <none>   main\n',
    );
    const missing = await get('pods', '--sort-by=.nothing');
    expect(missing.stderr).toBe(
      'error: couldn\'t find any field with path "{.nothing}" in the list of objects\n',
    );
    expect(missing.code).not.toBe(0);
  });

  it('--field-selector on status.phase and metadata.name; other fields refused', async () => {
    expect(
      (await get('pods', '--field-selector', 'status.phase=Running', '-o', 'name')).stdout,
    ).toBe('pod/alpha\npod/beta\n');
    expect((await get('pods', '--field-selector=metadata.name=alpha', '-o', 'name')).stdout).toBe(
      'pod/alpha\n',
    );
    expect(
      (
        await get(
          'pods',
          '--field-selector=metadata.name!=alpha,status.phase==Running',
          '-o',
          'name',
        )
      ).stdout,
    ).toBe('pod/beta\n');
    const none = await get('pods', '--field-selector=status.phase=Pending');
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe(`No resources found in ${ns} namespace.\n`);
    const refused = await get('pods', '--field-selector=spec.foo=x');
    expect(refused.stderr).toBe('error: field label not supported: spec.foo\n');
    expect(refused.code).toBe(1);
  });

  it('get all groups pods and services, a blank line between', async () => {
    const result = await get('all');
    expect(result.code).toBe(0);
    const [pods = '', services = '', ...rest] = result.stdout.split('\n\n');
    expect(rest).toEqual([]);
    expect(pods.split('\n').map((line) => line.split(/ +/)[0])).toEqual([
      'NAME',
      'pod/alpha',
      'pod/beta',
    ]);
    expect(services.trimEnd().split('\n')).toHaveLength(2);
    expect(services).toMatch(/^NAME {10}TYPE {8}CLUSTER-IP /);
    expect(services).toMatch(/\nservice\/web {3}ClusterIP {3}\S+ +<none> +80\/TCP +\S+$/m);
  });

  it('get pods -w prints a row when a pod goes away, and exits 0 on Ctrl-C', async () => {
    const watch = startPodrun(['get', 'pods', '-w', '-n', ns]);
    try {
      await waitFor('the table', async () => watch.stdout().split('\n').length > 3, 30_000);
      const table = watch.stdout();
      const deleted = await podrun(['delete', 'pod', 'beta', '-n', ns]);
      expect(deleted.code).toBe(0);
      await waitFor(
        'a row for beta',
        async () => watch.stdout().slice(table.length).includes('beta'),
        30_000,
      );
    } finally {
      watch.signal('SIGINT');
    }
    const exit = await watch.done;
    expect(exit.code).toBe(0);
    expect(exit.stderr).toBe('');
    const lines = exit.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME {4}READY {3}STATUS {4}RESTARTS {3}AGE$/);
    expect(lines[1]).toMatch(/^alpha {3}1\/1 {5}Running {3}0 {10}\S+$/);
    expect(lines[2]).toMatch(/^beta {4}1\/1 {5}Running {3}0 {10}\S+$/);
    // Every later row is beta's (alpha did not change), under the same columns.
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines.slice(3)) expect(line).toMatch(/^beta {4}\d\/\d {5}\w+ +0 +\S+$/);
  }, 90_000);
});
