// README, offline mode: "podrun uses registry.k8s.io/pause:3.10 when it is present or
// pullable; otherwise it builds podrun/pause:<version>". The real registry.k8s.io tag is
// never created or removed here (a user's engine may hold it): the Kubernetes image's
// place in the order is taken by a throwaway tag of podrun's own pause image, through
// ensurePauseImage's registryImage option, and the default name is checked as such.
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDocker } from '../src/docker/client.js';
import {
  DEFAULT_PAUSE_IMAGE,
  ensurePauseImage,
  LOCAL_PAUSE_IMAGE,
  resetPauseImageCache,
} from '../src/docker/pause-image.js';
import { EngineTracker, uniqueName } from './helpers/engine.js';

const engine = new EngineTracker('pause-preference');
const standInRepo = `podrun-test/${uniqueName('k8s-pause')}`;
const standInRef = `${standInRepo}:3.10`;
let docker: Docker;

beforeAll(async () => {
  docker = await getDocker();
  // The suite's global setup built podrun's own pause image; give it a second name.
  await docker.getImage(LOCAL_PAUSE_IMAGE).tag({ repo: standInRepo, tag: '3.10' });
  engine.trackImage(standInRef);
});

afterAll(async () => {
  resetPauseImageCache();
  await engine.cleanup(); // removes only the throwaway tag: the image keeps its own
});

describe('the pause image order', () => {
  it('the Kubernetes image is registry.k8s.io/pause:3.10', () => {
    expect(DEFAULT_PAUSE_IMAGE).toBe('registry.k8s.io/pause:3.10');
  });

  it('prefers the Kubernetes image when present, over podrun/pause:<version>', async () => {
    // Both are present: the local podrun image and the stand-in in the Kubernetes slot.
    expect(await docker.getImage(LOCAL_PAUSE_IMAGE).inspect()).toBeDefined();
    resetPauseImageCache();
    const ref = await ensurePauseImage({ image: '', registryImage: standInRef });
    expect(ref).toBe(standInRef);
  });

  it('uses podrun/pause:<version> when the Kubernetes image is neither present nor pullable', async () => {
    resetPauseImageCache();
    const absent = `127.0.0.1:9/${uniqueName('pause')}:3.10`;
    const ref = await ensurePauseImage({ image: '', registryImage: absent, pullTimeoutMs: 2000 });
    expect(ref).toBe(LOCAL_PAUSE_IMAGE);
  });

  it('an explicit image beats both', async () => {
    resetPauseImageCache();
    const ref = await ensurePauseImage({ image: LOCAL_PAUSE_IMAGE, registryImage: standInRef });
    expect(ref).toBe(LOCAL_PAUSE_IMAGE);
  });
});
