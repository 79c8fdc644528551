// --pause-image and PODRUN_PAUSE_IMAGE override podrun's choice of pause image. The
// override here is a throwaway local tag of the pause image podrun would use anyway,
// so nothing needs a registry; the tag is removed afterwards (the image stays).
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDocker } from '../src/docker/client.js';
import { inspectContainer } from '../src/docker/containers.js';
import { ensurePauseImage } from '../src/docker/pause-image.js';
import { findPodRecord } from '../src/pod/records.js';
import { stopSupervisor } from '../src/supervisor/launch.js';
import { uniqueName } from './helpers/engine.js';
import { cleanNamespace, objectsIn, podrun, sleeperPod, testNamespace } from './helpers/pods.js';

const ns = testNamespace('pauseov');
process.env.PODRUN_SUPERVISOR_SCOPE = ns;
const repo = `podrun-test/${uniqueName('pause-alias')}`;
const alias = `${repo}:1`;

beforeAll(async () => {
  const docker = await getDocker();
  const usual = await ensurePauseImage({ image: undefined });
  await docker.getImage(usual).tag({ repo, tag: '1' });
});

afterAll(async () => {
  await stopSupervisor();
  await cleanNamespace(ns);
  await cleanNamespace(`${ns}-x`); // only if the override was ignored
  const docker = await getDocker();
  // Without force: removes only this tag, never the image others use.
  await docker
    .getImage(alias)
    .remove()
    .catch(() => undefined);
});

function manifest(name: string): string {
  const file = join(tmpdir(), `${ns}-${name}.yaml`);
  writeFileSync(file, sleeperPod(name));
  return file;
}

async function sandboxImage(name: string): Promise<string | undefined> {
  const record = await findPodRecord(ns, name);
  return (await inspectContainer(record!.sandbox!.Id))?.Config.Image;
}

describe('the pause image override', () => {
  it('--pause-image names the sandbox image', async () => {
    const result = await podrun([
      'apply',
      '-f',
      manifest('flagged'),
      '-n',
      ns,
      '--pause-image',
      alias,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await sandboxImage('flagged')).toBe(alias);
  });

  it('PODRUN_PAUSE_IMAGE names the sandbox image', async () => {
    const result = await podrun(['apply', '-f', manifest('from-env'), '-n', ns], undefined, {
      PODRUN_PAUSE_IMAGE: alias,
    });
    expect(result.code).toBe(0);
    expect(await sandboxImage('from-env')).toBe(alias);
  });

  it('an override that is not there fails with one line naming it, creating nothing', async () => {
    const missing = `podrun-test/${uniqueName('no-such-pause')}:1`;
    const result = await podrun(['apply', '-f', manifest('missing'), '-n', `${ns}-x`], undefined, {
      PODRUN_PAUSE_IMAGE: missing,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(missing);
    expect(await objectsIn(`${ns}-x`)).toBe(0);
  });
});
