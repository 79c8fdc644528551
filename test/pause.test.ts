// The pause image podrun builds when no registry is reachable, and the behaviour a
// sandbox needs from it: fast clean stop, and reaping orphans in a shared PID namespace.
import type Docker from 'dockerode';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureImages, TEST_BUSYBOX } from '../scripts/build-images.js';
import { getDocker } from '../src/docker/client.js';
import { execCollect } from '../src/docker/exec.js';
import {
  CONTENT_HASH_LABEL,
  ensurePauseImage,
  LOCAL_PAUSE_IMAGE,
  resetPauseImageCache,
} from '../src/docker/pause-image.js';
import { Labels } from '../src/plan/labels.js';
import { PODRUN_VERSION } from '../src/version.js';
import { EngineTracker, engineEvents, uniqueName } from './helpers/engine.js';

const engine = new EngineTracker('pause.test');
let docker: Docker;

beforeAll(async () => {
  docker = await getDocker();
  await buildFixtureImages(() => {});
});
afterEach(() => engine.cleanup());

describe('ensurePauseImage', () => {
  it("the suite pins podrun's own pause image (vitest.config.ts)", async () => {
    expect(process.env.PODRUN_PAUSE_IMAGE).toBe(LOCAL_PAUSE_IMAGE);
    resetPauseImageCache();
    expect(await ensurePauseImage()).toBe(LOCAL_PAUSE_IMAGE);
  });

  it('falls back to the local image, labelled as podrun built it', async () => {
    // The default order, without the pinned image and with a registry image that is
    // neither present nor pullable (as offline): podrun's own image.
    resetPauseImageCache();
    const ref = await ensurePauseImage({ image: '', registryImage: '127.0.0.1:9/pause:x' });
    expect(ref).toBe(LOCAL_PAUSE_IMAGE);
    const info = await docker.getImage(ref).inspect();
    // No io.podrun.managed on images: containers inherit image labels.
    expect(info.Config.Labels?.[Labels.managed]).toBeUndefined();
    expect(info.Config.Labels).toMatchObject({
      [Labels.role]: 'image',
      [Labels.version]: PODRUN_VERSION,
    });
    expect(info.Config.Labels?.[CONTENT_HASH_LABEL]).toMatch(/^[0-9a-f]{64}$/);
    expect(info.Config.User).toBe('65535:65535');
    expect(info.Config.Entrypoint).toEqual(['/pause']);
  });

  it('builds once for 20 concurrent callers', async () => {
    resetPauseImageCache();
    const localTag = `${uniqueName('podrun-test/pause')}:1`;
    engine.trackImage(localTag);
    // A registry image that cannot exist, so the test never depends on the network.
    const options = {
      image: '', // not the pinned image: the default order
      localTag,
      labels: engine.labels,
      registryImage: '127.0.0.1:9/pause:x',
    };
    const since = Date.now();
    const refs = await Promise.all(Array.from({ length: 20 }, () => ensurePauseImage(options)));
    const buildMs = Date.now() - since;
    console.log(`pause image build (20 concurrent callers): ${buildMs} ms`);
    expect(new Set(refs)).toEqual(new Set([localTag]));
    const tags = await engineEvents(since - 1000, Date.now(), {
      type: ['image'],
      event: ['tag'],
      image: [localTag],
    });
    expect(tags).toHaveLength(1);
  });

  it('rejects an explicit image that is neither present nor pullable', async () => {
    resetPauseImageCache();
    const image = '127.0.0.1:9/podrun-test/no-pause:1';
    await expect(ensurePauseImage({ image })).rejects.toThrow(/pause image: cannot pull image/);
  });

  it('uses an explicit image that is present', async () => {
    resetPauseImageCache();
    await expect(ensurePauseImage({ image: TEST_BUSYBOX })).resolves.toBe(TEST_BUSYBOX);
  });
});

describe('pause container', () => {
  it('stops on SIGTERM at once, with exit code 0', async () => {
    const pause = await engine.run({
      Image: await ensurePauseImage(),
      name: uniqueName('pause'),
      HostConfig: { NetworkMode: 'none' }, // no network needed (nor the default bridge)
    });
    await pause.stop({ t: 10 });
    // Exit code 0 is the SIGTERM handler's: ignoring SIGTERM would end in SIGKILL
    // after the 10 s grace (137).
    const { State } = await pause.inspect();
    expect(State.ExitCode).toBe(0);
  });

  // A joiner makes an orphan that exits: it is re-parented to PID 1 of the shared
  // namespace. Returns the zombie's /proc state after a bounded wait ('' = reaped).
  async function orphanStateUnder(init: Docker.ContainerCreateOptions): Promise<string> {
    const owner = await engine.run({
      ...init,
      name: uniqueName('pid-owner'),
      HostConfig: { NetworkMode: 'none' },
    });
    const joiner = await engine.run({
      Image: TEST_BUSYBOX,
      Cmd: ['sleep', '60'],
      name: uniqueName('pid-joiner'),
      HostConfig: { PidMode: `container:${owner.id}`, NetworkMode: 'none' },
    });
    const made = await execCollect(joiner.id, ['podtool', 'zombie']);
    expect(made.exitCode).toBe(0);
    const pid = made.stdout.trim();
    let state = '';
    for (let waited = 0; waited < 1000; waited += 100) {
      const stat = await execCollect(joiner.id, ['cat', `/proc/${pid}/stat`]);
      // Field 3 of /proc/PID/stat is the state; the comm before it is in parentheses.
      state = stat.exitCode === 0 ? (stat.stdout.split(') ')[1]?.split(' ')[0] ?? '?') : '';
      if (state === '') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ps = await execCollect(joiner.id, ['ps', '-o', 'pid,stat,comm']);
    expect(ps.exitCode).toBe(0);
    const zombies = ps.stdout.split('\n').filter((line) => /^\s*\d+\s+Z/.test(line));
    expect(zombies.length > 0).toBe(state === 'Z');
    return state;
  }

  it('reaps an orphaned zombie in a shared PID namespace', async () => {
    expect(await orphanStateUnder({ Image: await ensurePauseImage() })).toBe('');
  });

  it('(control) a non-reaping PID 1 leaves the zombie behind', async () => {
    // busybox sleep as PID 1 never calls wait(): the orphan stays a zombie.
    expect(await orphanStateUnder({ Image: TEST_BUSYBOX, Cmd: ['sleep', '60'] })).toBe('Z');
  });
});
