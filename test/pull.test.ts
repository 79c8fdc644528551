// Pulls against a real registry on 127.0.0.1: progress is shown, imagePullPolicy is
// honoured, and a pull that cannot succeed is one line naming image and reason.
// The registry is Debian's docker-registry (test/helpers/registry.ts).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDocker } from '../src/docker/client.js';
import { listPodrunContainers } from '../src/docker/containers.js';
import { Labels } from '../src/plan/labels.js';
import { cleanNamespace, podrun, sleeperPod, TEST_IMAGE, testNamespace } from './helpers/pods.js';
import { type LocalRegistry, registryAvailable, startRegistry } from './helpers/registry.js';

const ns = testNamespace('pull');
const tag = randomBytes(3).toString('hex');
let registry: LocalRegistry;
let image = '';

async function removeLocalTag(ref: string): Promise<void> {
  const docker = await getDocker();
  try {
    await docker.getImage(ref).remove({ noprune: true });
  } catch {
    // not present
  }
}

// scripts/test.sh installs docker-registry; only outside CI may a machine without it
// skip this file (under CI=true the missing registry fails in beforeAll).
const noRegistry = !registryAvailable() && process.env.CI !== 'true';

describe.skipIf(noRegistry)('pulling from a registry', () => {
  beforeAll(async () => {
    registry = await startRegistry();
    image = `${registry.address}/podrun-test/pulled:${tag}`;
    const docker = await getDocker();
    const [repo, version] = [image.slice(0, image.lastIndexOf(':')), tag];
    await docker.getImage(TEST_IMAGE).tag({ repo, tag: version });
    const push = await docker
      .getImage(image)
      .push({ authconfig: { serveraddress: registry.address } });
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(push, (error: Error | null) =>
        error ? reject(error) : resolve(undefined),
      ),
    );
    await removeLocalTag(image);
  });

  afterAll(async () => {
    await cleanNamespace(ns);
    await removeLocalTag(image);
    await registry?.stop();
  });

  it('pulls a missing image with progress, then runs the pod', async () => {
    const result = await podrun(['apply', '-f', '-', '-n', ns], sleeperPod('pulled', { image }));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('pod/pulled created\n');
    expect(result.stderr).toContain(`${image}: ${tag}: Pulling from podrun-test/pulled`);
    expect(result.stderr).toMatch(/Status: Downloaded newer image/);
    const containers = await listPodrunContainers({
      [Labels.namespace]: ns,
      [Labels.pod]: 'pulled',
    });
    expect(containers.filter((c) => c.State === 'running')).toHaveLength(2);
  });

  it('imagePullPolicy Never refuses an image that is not present', async () => {
    const missing = `${registry.address}/podrun-test/pulled:never-${tag}`;
    const result = await podrun(
      ['apply', '-f', '-', '-n', ns],
      sleeperPod('never', { image: missing, imagePullPolicy: 'Never' }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: image "${missing}" not present and imagePullPolicy is Never\n`,
    );
    expect(
      await listPodrunContainers({ [Labels.namespace]: ns, [Labels.pod]: 'never' }),
    ).toHaveLength(0);
  });

  it('an image the registry does not have is a one-line error naming image and reason', async () => {
    const unknown = `${registry.address}/podrun-test/absent:${tag}`;
    const result = await podrun(
      ['apply', '-f', '-', '-n', ns],
      sleeperPod('absent', { image: unknown }),
    );
    expect(result.code).toBe(1);
    const lines = result.stderr
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('error:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(unknown);
    expect(lines[0]).toMatch(/not found|manifest unknown/);
    expect(
      await listPodrunContainers({ [Labels.namespace]: ns, [Labels.pod]: 'absent' }),
    ).toHaveLength(0);
  });

  it('imagePullPolicy Always pulls even when the image is present', async () => {
    const result = await podrun(
      ['apply', '-f', '-', '-n', ns],
      sleeperPod('always', { image, imagePullPolicy: 'Always' }),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Image is up to date|Digest: sha256:/);
  });
});
