// get configmaps, secrets, persistentvolumeclaims and namespaces through the CLI
// (issue 13): kubectl's columns over the objects podrun stores as labelled volumes,
// -o name and -o yaml, a Secret whose values never reach the output, and get -w.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPodrun } from './helpers/cli-process.js';
import {
  cleanNamespace,
  objectsIn,
  podrun,
  testNamespace,
  waitFor,
  writeManifest,
} from './helpers/pods.js';

const ns = testNamespace('getcfg');
const PASSWORD = 'not-for-the-terminal-7f3a';

const bundle = writeManifest(
  ns,
  'config',
  `apiVersion: v1
kind: ConfigMap
metadata: { name: site, labels: { app: web } }
data: { index.html: hello, robots.txt: none }
---
apiVersion: v1
kind: Secret
metadata: { name: creds }
type: kubernetes.io/basic-auth
stringData: { username: admin, password: ${PASSWORD} }
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data }
spec:
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 1Gi } }
`,
);

async function ok(args: string[]): Promise<string> {
  const result = await podrun([...args, '-n', ns]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

/** A table's rows as cells (split on runs of 2+ spaces: no cell here holds two). */
const rows = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/ {2,}/));

beforeAll(async () => {
  await ok(['apply', '-f', bundle]);
});

afterAll(async () => {
  await cleanNamespace(ns);
});

describe('get of the stored kinds', () => {
  it('get cm and get secrets: kubectl columns, the values counted, not shown', async () => {
    const cm = rows(await ok(['get', 'cm']));
    expect(cm[0]).toEqual(['NAME', 'DATA', 'AGE']);
    expect(cm.slice(1).map((r) => r.slice(0, 2))).toEqual([['site', '2']]);
    const secrets = rows(await ok(['get', 'secrets']));
    expect(secrets[0]).toEqual(['NAME', 'TYPE', 'DATA', 'AGE']);
    expect(secrets[1]?.slice(0, 3)).toEqual(['creds', 'kubernetes.io/basic-auth', '2']);

    const yaml = await ok(['get', 'secret', 'creds', '-o', 'yaml']);
    expect(yaml).toMatch(/^kind: Secret$/m);
    expect(yaml).toMatch(/^type: kubernetes.io\/basic-auth$/m);
    expect(yaml).not.toContain(PASSWORD);
    expect(yaml).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(await ok(['get', 'configmap', 'site', '-o', 'jsonpath={.data.robots\\.txt}'])).toBe(
      'none',
    );
    expect(await ok(['get', 'cm', '-l', 'app=web', '-o', 'name'])).toBe('configmap/site\n');
    // kubectl get cm,secrets: each kind's table, its names as kind/name, a blank line between.
    const both = (await ok(['get', 'cm,secrets'])).split('\n\n').map(rows);
    expect(both.map((table) => table[0]?.[0])).toEqual(['NAME', 'NAME']);
    expect(both.map((table) => table[1]?.[0])).toEqual(['configmap/site', 'secret/creds']);
    expect(await ok(['get', 'cm,secret', '-o', 'name'])).toBe('configmap/site\nsecret/creds\n');
  });

  it('get pvc: Bound to its engine volume, with its capacity and access modes', async () => {
    const pvc = rows(await ok(['get', 'pvc']));
    expect(pvc[0]).toEqual([
      'NAME',
      'STATUS',
      'VOLUME',
      'CAPACITY',
      'ACCESS MODES',
      // STORAGECLASS is empty for a claim that names none: its cell is blanks.
      'STORAGECLASS',
      'VOLUMEATTRIBUTESCLASS',
      'AGE',
    ]);
    expect(pvc[1]?.slice(0, 5)).toEqual(['data', 'Bound', `podrun-pvc_${ns}_data`, '1Gi', 'RWO']);
    expect(pvc[1]?.[5]).toBe('<unset>');
  });

  it('get ns lists default and this namespace, Active; unknown names fail in one line', async () => {
    const namespaces = rows(await ok(['get', 'ns']));
    expect(namespaces[0]).toEqual(['NAME', 'STATUS', 'AGE']);
    const names = namespaces.slice(1).map((r) => r[0]);
    expect(names).toEqual(expect.arrayContaining(['default', ns]));
    expect(namespaces.find((r) => r[0] === ns)?.[1]).toBe('Active');
    const missing = await podrun(['get', 'cm', 'nope', '-n', ns]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`error: configmaps "nope" not found in namespace ${ns}\n`);
  });

  it('get cm -w prints a row for a ConfigMap that appears, then one that goes, until Ctrl-C', async () => {
    const watch = startPodrun(['get', 'cm', '-w', '-n', ns]);
    const extra = writeManifest(
      ns,
      'extra',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: extra }\ndata: { a: b }\n',
    );
    try {
      await waitFor('the table', async () => watch.stdout().split('\n').length > 2, 30_000);
      await ok(['apply', '-f', extra]);
      await waitFor('a row for extra', async () => watch.stdout().includes('extra'), 30_000);
      await ok(['delete', '-f', extra]);
      await waitFor(
        'its last row',
        async () => watch.stdout().match(/^extra /gm)?.length === 2,
        30_000,
      );
    } finally {
      watch.signal('SIGINT');
    }
    const exit = await watch.done;
    expect(exit.code).toBe(0);
    const lines = rows(exit.stdout);
    expect(lines[0]).toEqual(['NAME', 'DATA', 'AGE']);
    expect(lines[1]?.slice(0, 2)).toEqual(['site', '2']);
    // site did not change: every later row is extra's (its appearance, its removal).
    expect(lines.slice(2).map((r) => r.slice(0, 2))).toEqual([
      ['extra', '1'],
      ['extra', '1'],
    ]);
  }, 90_000);

  it('delete -f removes all three', async () => {
    await ok(['delete', '-f', bundle]);
    expect(await objectsIn(ns)).toBe(0);
  });
});
