// Image presence, pulls (failing ones: no registry is reachable here) and builds
// against the real engine.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureImages, TEST_BUSYBOX } from '../scripts/build-images.js';
import { buildImage, ImageBuildError } from '../src/docker/build-image.js';
import { getDocker } from '../src/docker/client.js';
import {
  ensureImage,
  ImageNotPresentError,
  ImagePullError,
  imageExists,
  normalizeImageRef,
  pullImage,
} from '../src/docker/images.js';
import { EngineTracker, engineEvents, uniqueName } from './helpers/engine.js';
import { type LocalRegistry, registryAvailable, startRegistry } from './helpers/registry.js';

const engine = new EngineTracker('images.test');

beforeAll(() => buildFixtureImages(() => {}));
afterEach(() => engine.cleanup());

describe('normalizeImageRef', () => {
  it('adds :latest only when there is no tag or digest', () => {
    expect(normalizeImageRef('busybox')).toBe('busybox:latest');
    expect(normalizeImageRef('localhost:5000/app')).toBe('localhost:5000/app:latest');
    expect(normalizeImageRef('localhost:5000/app:2')).toBe('localhost:5000/app:2');
    expect(normalizeImageRef('app@sha256:abc')).toBe('app@sha256:abc');
  });
});

describe('pullImage', () => {
  it('fails fast with one line naming the image when the registry is unreachable', async () => {
    const ref = '127.0.0.1:9/podrun-test/nope:1'; // port 9 (discard): nothing listens
    const start = performance.now();
    const error = await pullImage(ref, undefined, { timeoutMs: 5000 }).catch((e: unknown) => e);
    const failMs = performance.now() - start;
    console.log(`unreachable pull failed in ${Math.round(failMs)} ms: ${(error as Error).message}`);
    expect(error).toBeInstanceOf(ImagePullError);
    expect((error as ImagePullError).reason).toBe('unreachable');
    expect((error as Error).message).toContain(`cannot pull image "${ref}"`);
    expect((error as Error).message).not.toContain('\n');
    // 'unreachable', not 'timeout': it failed on the refused connection, without
    // waiting out the 5 s timeout.
  });

  describe('against a registry that accepts connections and never answers', () => {
    let server: Server;
    let port = 0;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      server = createServer((socket) => sockets.add(socket)); // hold it open, say nothing
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => {
      for (const socket of sockets) socket.destroy();
      server.close();
    });

    it('gives up after the timeout instead of hanging', async () => {
      const ref = `127.0.0.1:${port}/podrun-test/hang:1`;
      const error = await pullImage(ref, undefined, { timeoutMs: 800 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImagePullError);
      // Our timeout ended it (the server never closes the connection).
      expect((error as ImagePullError).reason).toBe('timeout');
    });
  });
});

describe('ensureImage', () => {
  it('Never: errors when the image is missing, passes when present', async () => {
    const missing = `${uniqueName('podrun-test/missing')}:1`;
    await expect(ensureImage(missing, 'Never')).rejects.toThrow(ImageNotPresentError);
    await expect(ensureImage(missing, 'Never')).rejects.toThrow(
      `image "${missing}" not present and imagePullPolicy is Never`,
    );
    await expect(ensureImage(TEST_BUSYBOX, 'Never')).resolves.toBeUndefined();
  });

  describe.skipIf(!registryAvailable())('with a registry that has the image', () => {
    let registry: LocalRegistry;
    let ref = '';
    beforeAll(async () => {
      registry = await startRegistry();
      const repo = `${registry.address}/podrun-test/present`;
      const tag = uniqueName('t');
      ref = `${repo}:${tag}`;
      engine.trackImage(ref);
      const docker = await getDocker();
      await docker.getImage(TEST_BUSYBOX).tag({ repo, tag });
      const push = await docker.getImage(ref).push({ authconfig: { serveraddress: repo } });
      await new Promise((resolve, reject) =>
        docker.modem.followProgress(push, (error: Error | null) =>
          error ? reject(error) : resolve(undefined),
        ),
      );
    });
    afterAll(() => registry?.stop());

    it('IfNotPresent: uses a local image without pulling', async () => {
      expect(await imageExists(ref)).toBe(true);
      const since = Date.now();
      await expect(ensureImage(ref, 'IfNotPresent')).resolves.toBeUndefined();
      // Control: Always pulls, and the engine reports it; IfNotPresent must not have.
      await expect(ensureImage(ref, 'Always')).resolves.toBeUndefined();
      const pulls = await engineEvents(since - 1000, Date.now() + 1000, {
        type: ['image'],
        event: ['pull'],
        image: [ref],
      });
      expect(pulls).toHaveLength(1);
    });
  });

  it('Always: a failed pull fails even with a local copy, and says so', async () => {
    await expect(
      ensureImage(TEST_BUSYBOX, 'Always', undefined, { timeoutMs: 5000 }),
    ).rejects.toThrow(/cannot pull image .*a local copy exists but imagePullPolicy is Always/);
  });
});

describe('buildImage', () => {
  it('returns the id of an image with the labels and tags asked for', async () => {
    const [first, second] = [
      `${uniqueName('podrun-test/built')}:1`,
      `${uniqueName('podrun-test/built')}:2`,
    ];
    engine.trackImage(first!);
    engine.trackImage(second!);
    const id = await buildImage({
      tags: [first!, second!],
      labels: { ...engine.labels, 'io.podrun.example': 'a "quoted" value' },
      files: [
        { path: 'Dockerfile', content: `FROM ${TEST_BUSYBOX}\nCOPY hello.txt /hello.txt\n` },
        { path: 'hello.txt', content: 'hello\n' },
      ],
    });
    const docker = await getDocker();
    const info = await docker.getImage(first!).inspect();
    expect(info.Id).toBe(id);
    expect((await docker.getImage(second!).inspect()).Id).toBe(id);
    expect(info.Config.Labels?.['io.podrun.example']).toBe('a "quoted" value');
  });

  it('throws the builder error line when a RUN step fails', async () => {
    const tag = `${uniqueName('podrun-test/broken')}:1`;
    engine.trackImage(tag);
    const error = await buildImage({
      tags: tag,
      labels: engine.labels,
      files: [
        { path: 'Dockerfile', content: `FROM ${TEST_BUSYBOX}\nRUN echo about to fail && exit 3\n` },
      ],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageBuildError);
    expect((error as Error).message).toMatch(/^building .* failed: .*returned a non-zero code: 3$/);
    expect((error as ImageBuildError).output).toContain('about to fail');
    expect(await imageExists(tag)).toBe(false);
  });
});
