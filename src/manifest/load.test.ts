import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConfigRefs } from './config-refs.js';
import { ManifestError } from './errors.js';
import { loadManifests } from './load.js';
import { POD, STRICT } from './test-helpers.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podrun-manifest-'));
  await writeFile(join(dir, 'b-pod.yaml'), `${POD}    envFrom: [{configMapRef: {name: cfg}}]\n`);
  await writeFile(
    join(dir, 'a-config.json'),
    '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"k":"v"}}',
  );
  await writeFile(join(dir, 'notes.txt'), 'not a manifest');
  await mkdir(join(dir, 'nested'));
  await writeFile(join(dir, 'nested', 'x.yaml'), 'kind: Broken\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadError(sources: string[]): Promise<string[]> {
  try {
    await loadManifests(sources, STRICT);
  } catch (error) {
    if (error instanceof ManifestError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected a ManifestError');
}

describe('loadManifests', () => {
  it("loads a directory's manifest files, sorted, not recursively", async () => {
    const set = await loadManifests([dir], STRICT);
    expect(set.configMaps.map((c) => c.source.file)).toEqual([join(dir, 'a-config.json')]);
    expect(set.pods.map((p) => p.source.file)).toEqual([join(dir, 'b-pod.yaml')]);
  });

  it('names a missing file in one line, alongside the errors of other files', async () => {
    const bad = join(dir, 'nested', 'x.yaml');
    expect(await loadError(['missing.yaml', bad])).toEqual([
      'missing.yaml: no such file or directory',
      `${bad}:1:1: kind: Unsupported value: "Broken": supported values: "Pod", "ConfigMap", "Secret", "PersistentVolumeClaim"`,
      `${bad}:1:1: apiVersion: Required value`,
    ]);
  });

  it('checks references across files of one run', async () => {
    const pod = join(dir, 'nested', 'pod.yaml');
    await writeFile(
      pod,
      `${POD}    env: [{name: A, valueFrom: {configMapKeyRef: {name: cfg, key: nope}}}]\n`,
    );
    expect(await loadError([join(dir, 'a-config.json'), pod])).toEqual([
      `${pod}:8:62: spec.containers[0].env[0].valueFrom.configMapKeyRef.key: Not found: "nope" in ConfigMap "cfg"`,
    ]);
  });
});

describe('checkConfigRefs', () => {
  it('with missing: error, reports maps the lookup does not know', async () => {
    const set = await loadManifests([join(dir, 'b-pod.yaml')], STRICT);
    const issues = checkConfigRefs(set.pods, () => undefined, { missing: 'error' });
    expect(issues.map((i) => i.message)).toEqual([
      'Not found: "cfg" (no ConfigMap of that name in namespace "default")',
    ]);
    expect(checkConfigRefs(set.pods, () => ['k'], { missing: 'error' })).toEqual([]);
  });
});
