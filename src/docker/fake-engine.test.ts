// The fake engine answers as the real one does where podrun depends on it, and the
// src/docker functions run against it with scripted interleavings (no daemon, no sleeps).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { putFiles, readFile } from './archive.js';
import {
  createContainer,
  inspectContainer,
  killContainer,
  listPodrunContainers,
  removeContainer,
  startContainer,
  stopContainer,
  waitContainer,
} from './containers.js';
import { useEngine } from './engine.js';
import {
  isConflict,
  isInUse,
  isNotFound,
  isNotModified,
  isNotRunning,
  statusOf,
} from './errors.js';
import { execCollect } from './exec.js';
import { FakeEngine } from './fake-engine.js';
import { ensureNetwork, removeNetworkIfUnused } from './networks.js';
import { createVolume, removeVolume } from './volumes.js';

const IMAGE = 'podrun-test/busybox:1';
const MANAGED = { 'io.podrun.managed': 'true' };

let fake: FakeEngine;

beforeEach(() => {
  fake = new FakeEngine();
  fake.addImage(IMAGE);
  useEngine(fake);
});

afterEach(() => {
  useEngine(undefined);
});

/** Let every pending microtask and promise chain run (no timers involved). */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('FakeEngine containers', () => {
  it('refuses a taken name with 409 and looks containers up by name or id prefix', async () => {
    const id = await createContainer({ name: 'web', Image: IMAGE });
    const error = await rejection(createContainer({ name: 'web', Image: IMAGE }));
    expect(statusOf(error)).toBe(409);
    expect(isConflict(error)).toBe(true);
    expect((await inspectContainer('web'))?.Id).toBe(id);
    expect((await inspectContainer('/web'))?.Id).toBe(id);
    expect((await inspectContainer(id.slice(0, 12)))?.Name).toBe('/web');
    expect(await inspectContainer('nothing-by-that-name')).toBeUndefined();
    expect(isNotFound(await rejection(fake.inspectContainer('nothing')))).toBe(true);
    expect(isNotFound(await rejection(createContainer({ name: 'x', Image: 'missing:1' })))).toBe(
      true,
    );
  });

  it('keeps created/running/exited with ExitCode, StartedAt and FinishedAt on its clock', async () => {
    const id = await createContainer({ name: 'job', Image: IMAGE });
    let info = await inspectContainer(id);
    expect(info?.State).toMatchObject({ Status: 'created', ExitCode: 0 });
    expect(info?.State.StartedAt).toBe('0001-01-01T00:00:00Z');
    const startedAt = fake.now();
    await startContainer(id);
    expect(isNotModified(await rejection(fake.startContainer(id)))).toBe(true);
    await startContainer(id); // the 304 is not an error for podrun
    fake.advanceClock(1500);
    fake.exit(id, 3);
    info = await inspectContainer(id);
    expect(info?.State).toMatchObject({ Status: 'exited', Running: false, ExitCode: 3 });
    expect(Date.parse(info!.State.StartedAt)).toBe(startedAt);
    expect(Date.parse(info!.State.FinishedAt) - Date.parse(info!.State.StartedAt)).toBe(1500);
  });

  it('fails to start a container:<id> joiner while its owner is not running', async () => {
    const owner = await createContainer({ name: 'pause', Image: IMAGE });
    const joiner = await createContainer({
      name: 'app',
      Image: IMAGE,
      HostConfig: { NetworkMode: `container:${owner}` },
    });
    const error = await rejection(startContainer(joiner));
    expect(statusOf(error)).toBe(409);
    expect(String((error as Error).message)).toContain(
      'cannot join network of a non running container',
    );
    expect((await inspectContainer(joiner))?.State).toMatchObject({
      Status: 'created',
      ExitCode: 128,
    });
    await startContainer(owner);
    await startContainer(joiner);
    expect((await inspectContainer(joiner))?.State.Running).toBe(true);
  });

  it('answers stop of a stopped container with 304 and kill with 409 (not running)', async () => {
    const id = await createContainer({ name: 'c', Image: IMAGE });
    await startContainer(id);
    await stopContainer(id, 10);
    expect((await inspectContainer(id))?.State).toMatchObject({ Status: 'exited', ExitCode: 143 });
    expect(isNotModified(await rejection(fake.stopContainer(id, { t: 1 })))).toBe(true);
    const killed = await rejection(fake.killContainer(id, { signal: 'SIGKILL' }));
    expect(isNotRunning(killed)).toBe(true);
    // podrun's functions treat both as done.
    await stopContainer(id, 1);
    await killContainer(id);
    const stillRunning = await createContainer({ name: 'd', Image: IMAGE });
    await startContainer(stillRunning);
    await killContainer(stillRunning, 'SIGKILL');
    expect((await inspectContainer(stillRunning))?.State.ExitCode).toBe(137);
  });

  it('resolves wait when the process ends, not before', async () => {
    const id = await createContainer({ name: 'w', Image: IMAGE });
    await startContainer(id);
    let code: number | undefined;
    const waiting = waitContainer(id).then((c) => {
      code = c;
    });
    await settle();
    expect(code).toBeUndefined();
    fake.exit(id, 7);
    await waiting;
    expect(code).toBe(7);
  });

  it('filters lists by label, and shows stopped containers only with all', async () => {
    const a = await createContainer({ name: 'a', Image: IMAGE, Labels: { ...MANAGED, pod: 'p' } });
    await createContainer({ name: 'b', Image: IMAGE, Labels: { ...MANAGED, pod: 'q' } });
    await createContainer({ name: 'c', Image: IMAGE, Labels: { other: 'x' } });
    expect((await listPodrunContainers({ pod: 'p' })).map((c) => c.Id)).toEqual([a]);
    expect(await listPodrunContainers()).toHaveLength(2);
    expect(await fake.listContainers({ all: false })).toHaveLength(0);
    await startContainer(a);
    expect((await fake.listContainers({ all: false })).map((c) => c.Names)).toEqual([['/a']]);
  });

  it('runs exec scripts in running containers only (409 otherwise)', async () => {
    const id = await createContainer({ name: 'e', Image: IMAGE });
    fake.onExec((call) =>
      call.cmd[0] === 'cat' ? { exitCode: 0, stdout: `got ${call.stdin}` } : undefined,
    );
    expect(isNotRunning(await rejection(execCollect(id, ['true'])))).toBe(true);
    await startContainer(id);
    expect(await execCollect(id, ['cat'], 'input')).toEqual({
      exitCode: 0,
      stdout: 'got input',
      stderr: '',
    });
    expect((await execCollect(id, ['true'])).exitCode).toBe(0);
  });
});

describe('FakeEngine volumes, archives, events', () => {
  it('refuses to remove a volume a container uses (409 in use), even a stopped one', async () => {
    await createVolume({ Name: 'data', Labels: MANAGED });
    const id = await createContainer({
      name: 'user',
      Image: IMAGE,
      HostConfig: { Mounts: [{ Type: 'volume', Source: 'data', Target: '/data' }] },
    });
    const error = await rejection(removeVolume('data'));
    expect(statusOf(error)).toBe(409);
    expect(isInUse(error)).toBe(true);
    await removeContainer(id);
    await removeVolume('data');
    await removeVolume('data'); // already gone: fine
    expect(isNotFound(await rejection(fake.inspectVolume('data')))).toBe(true);
  });

  it('keeps files put into a volume for every container that mounts it', async () => {
    await createVolume({ Name: 'cfg' });
    const mounts = { Mounts: [{ Type: 'volume' as const, Source: 'cfg', Target: '/etc/config' }] };
    const writer = await createContainer({ name: 'w', Image: IMAGE, HostConfig: mounts });
    const reader = await createContainer({ name: 'r', Image: IMAGE, HostConfig: mounts });
    const file = {
      path: 'app/key',
      contentBase64: Buffer.from('v1').toString('base64'),
      mode: 0o644,
    };
    await putFiles(writer, '/etc/config', [file]);
    expect(await readFile(reader, '/etc/config/app/key')).toBe('v1');
    expect(await readFile(reader, '/etc/resolv.conf')).toContain('nameserver');
    expect(isNotFound(await rejection(readFile(reader, '/nope')))).toBe(true);
    const missingDir = await rejection(putFiles(writer, '/no/such/dir', [file]));
    expect(isNotFound(missingDir)).toBe(true);
  });

  it('streams events: recorded ones up to until, new ones on an open stream', async () => {
    const read = async (stream: NodeJS.ReadableStream) => {
      let text = '';
      for await (const chunk of stream) text += String(chunk);
      return text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).Action as string);
    };
    const id = await createContainer({ name: 'ev', Image: IMAGE, Labels: { pod: 'p' } });
    const live = await fake.events({ filters: { type: ['container'], label: ['pod=p'] } });
    const seen: string[] = [];
    live.on('data', (chunk) => seen.push(...String(chunk).trim().split('\n')));
    await startContainer(id);
    fake.exit(id, 0);
    const until = Math.floor(fake.now() / 1000);
    const history = await fake.events({ since: 0, until, filters: { label: ['pod=p'] } });
    expect(await read(history)).toEqual(['create', 'start', 'die']);
    expect(seen.map((line) => JSON.parse(line).Action)).toEqual(['create', 'start', 'die']);
    (live as unknown as { destroy(): void }).destroy();
  });
});

describe('FakeEngine networks and scripted interleavings', () => {
  const network = (name: string) => ({ Name: name, Driver: 'bridge', Labels: MANAGED });

  it('refuses a duplicate network name with 409 unless the race is allowed', async () => {
    await fake.createNetwork(network('podrun-ns'));
    expect(isConflict(await rejection(fake.createNetwork(network('podrun-ns'))))).toBe(true);
    fake.allowDuplicateNetworks = true;
    await fake.createNetwork(network('podrun-ns'));
    expect(await fake.listNetworks({ name: ['podrun-ns'] })).toHaveLength(2);
  });

  it('answers a network remove with 403 (in use) while a running container is connected', async () => {
    await ensureNetwork(network('podrun-busy'));
    const id = await createContainer({
      name: 'p',
      Image: IMAGE,
      HostConfig: { NetworkMode: 'podrun-busy' },
    });
    await startContainer(id);
    const [info] = await fake.listNetworks({ name: ['podrun-busy'] });
    const error = await rejection(fake.removeNetwork(info!.Id));
    expect(statusOf(error)).toBe(403);
    expect(isInUse(error)).toBe(true);
    const pod = await inspectContainer(id);
    expect(pod?.NetworkSettings.Networks['podrun-busy']?.IPAddress).toMatch(/^10\.89\./);
    // removeNetworkIfUnused leaves it, and removes it once nothing uses it.
    await removeNetworkIfUnused('podrun-busy');
    expect(await fake.listNetworks({ name: ['podrun-busy'] })).toHaveLength(1);
    await removeContainer(id);
    await removeNetworkIfUnused('podrun-busy');
    expect(await fake.listNetworks({ name: ['podrun-busy'] })).toHaveLength(0);
  });

  it('holds a call at a gate until the test opens it, and records the order of calls', async () => {
    const gate = fake.hold('createContainer', (options) => options.name === 'second');
    const first = createContainer({ name: 'first', Image: IMAGE });
    const second = createContainer({ name: 'second', Image: IMAGE });
    const held = await gate.reached;
    expect(held.args[0]).toMatchObject({ name: 'second' });
    await first;
    await settle();
    expect(await fake.listContainers({ all: true })).toHaveLength(1);
    const third = await createContainer({ name: 'third', Image: IMAGE });
    gate.release();
    await second;
    expect(fake.callLog(['createContainer'])).toEqual([
      'createContainer first',
      'createContainer second',
      'createContainer third',
    ]);
    // The engine acted in the scripted order: third was created before second.
    const created = await fake.listContainers({ all: true });
    // Newest first, as the engine lists.
    expect(created.map((c) => c.Names[0])).toEqual(['/second', '/third', '/first']);
    expect(created.find((c) => c.Names[0] === '/third')?.Id).toBe(third);
  });

  it('lets a gate fail the held call', async () => {
    const gate = fake.hold('startContainer');
    const id = await createContainer({ name: 's', Image: IMAGE });
    const starting = startContainer(id);
    await gate.reached;
    gate.fail(Object.assign(new Error('boom'), { statusCode: 500 }));
    expect(statusOf(await rejection(starting))).toBe(500);
    expect((await inspectContainer(id))?.State.Status).toBe('created');
  });

  it('answers ECONNREFUSED while down', async () => {
    fake.setDown(true);
    const error = (await rejection(fake.version())) as NodeJS.ErrnoException;
    expect(error.code).toBe('ECONNREFUSED');
    fake.setDown(false);
    expect((await fake.version()).ApiVersion).toBe('1.41');
  });
});

describe('ensureNetwork against a scripted race', () => {
  const options = { Name: 'podrun-race', Driver: 'bridge', Labels: MANAGED };

  it('settles on the oldest network when another process created one between list and create', async () => {
    // The engine's duplicate check is racy: both creates succeed.
    fake.allowDuplicateNetworks = true;
    const gate = fake.hold('createNetwork', (o) => o.Name === 'podrun-race');
    const ours = ensureNetwork(options);
    await gate.reached; // we listed, saw nothing, and are about to create
    // Meanwhile another process creates the same network (one second earlier).
    const theirs = await fake.createNetwork(options);
    fake.advanceClock(1000);
    gate.release();
    await ours;
    // Ours listed, created (after theirs), listed again, found two and removed its own.
    const removed = fake.calls.find((call) => call.op === 'removeNetwork')?.args[0];
    expect(removed).not.toBe(theirs);
    expect(fake.callLog(['listNetworks', 'createNetwork', 'removeNetwork'])).toEqual([
      'listNetworks podrun-race',
      'createNetwork podrun-race',
      'createNetwork podrun-race',
      'listNetworks podrun-race',
      `removeNetwork ${String(removed).slice(0, 12)}`,
    ]);
    const left = await fake.listNetworks({ name: ['podrun-race'] });
    expect(left.map((n) => n.Id)).toEqual([theirs]);
  });

  it('accepts the 409 of a create that lost the race on an engine that checks', async () => {
    const gate = fake.hold('createNetwork', (o) => o.Name === 'podrun-race');
    const ours = ensureNetwork(options);
    const held = await gate.reached;
    // The other process's create lands first: ours gets 409.
    const theirs = await fake.createNetwork(options);
    gate.release();
    await ours;
    expect(isConflict(held.error)).toBe(true);
    expect((await fake.listNetworks({ name: ['podrun-race'] })).map((n) => n.Id)).toEqual([theirs]);
  });

  it('creates a network once for concurrent applies in one process', async () => {
    await Promise.all([ensureNetwork(options), ensureNetwork(options), ensureNetwork(options)]);
    expect(fake.callLog(['createNetwork'])).toEqual(['createNetwork podrun-race']);
    expect(await fake.listNetworks({ name: ['podrun-race'] })).toHaveLength(1);
  });
});
