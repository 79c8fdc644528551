// scripts/build-images.ts tags the fixture busybox as busybox:1.35 for the examples
// only if no such image exists, refreshes a tag it made itself, and leaves a foreign
// busybox:1.35 alone. Checked on throwaway names (the real busybox:1.35 is shared
// with the examples and other test runs, so it is never retagged here).
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAIN_BUSYBOX, TEST_BUSYBOX, tagPlainBusybox } from '../scripts/build-images.js';
import { buildImage } from '../src/docker/build-image.js';
import { getDocker } from '../src/docker/client.js';
import { imageLabels } from '../src/plan/labels.js';
import { PODRUN_VERSION } from '../src/version.js';
import { EngineTracker, uniqueName } from './helpers/engine.js';

const tracker = new EngineTracker('build-images');
const tags: string[] = [];
let docker: Docker;
let fixtureId: string;

/** A tiny image of our own under `ref` (FROM scratch, one file). */
async function tinyImage(ref: string, labels?: Record<string, string>): Promise<string> {
  const id = await buildImage({
    docker,
    tags: ref,
    labels,
    files: [
      { path: 'Dockerfile', content: 'FROM scratch\nCOPY marker /marker\n' },
      { path: 'marker', content: ref },
    ],
  });
  // By id: after a retag the ref names the fixture image, which must stay.
  tracker.trackImage(id);
  return id;
}

const idOf = async (ref: string) => (await docker.getImage(ref).inspect()).Id;

beforeAll(async () => {
  docker = await getDocker();
  fixtureId = await idOf(TEST_BUSYBOX);
});

afterAll(async () => {
  // Tags of the fixture image: untag only (no force), the image itself stays.
  for (const ref of tags) {
    await docker
      .getImage(ref)
      .remove()
      .catch(() => undefined);
  }
  await tracker.cleanup();
});

describe('tagging the plain busybox', () => {
  it('the default name is busybox:1.35', () => {
    expect(PLAIN_BUSYBOX).toBe('busybox:1.35');
  });

  it('leaves a foreign image of that name alone', async () => {
    const ref = `podrun-test/${uniqueName('foreign-busybox')}:1.35`;
    tags.push(ref);
    const foreignId = await tinyImage(ref);
    expect(await tagPlainBusybox(docker, fixtureId, ref)).toBe(
      `left alone (a ${ref} not built by podrun exists)`,
    );
    expect(await idOf(ref)).toBe(foreignId);
  });

  it('tags the fixture when no such image exists, then finds it up to date', async () => {
    const ref = `podrun-test/${uniqueName('plain-busybox')}:1.35`;
    tags.push(ref);
    expect(await tagPlainBusybox(docker, fixtureId, ref)).toBe('tagged');
    expect(await idOf(ref)).toBe(fixtureId);
    expect(await tagPlainBusybox(docker, fixtureId, ref)).toBe('up to date');
  });

  it('refreshes a tag podrun made earlier (an older podrun-built image)', async () => {
    const ref = `podrun-test/${uniqueName('stale-busybox')}:1.35`;
    tags.push(ref);
    await tinyImage(ref, imageLabels(PODRUN_VERSION));
    expect(await tagPlainBusybox(docker, fixtureId, ref)).toBe('re-tagged');
    expect(await idOf(ref)).toBe(fixtureId);
  });
});
