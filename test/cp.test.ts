// `podrun cp` both ways through the engine's archive API (issue 13): a container
// whose image holds nothing but the pause binary (no tar, no shell) shares an
// emptyDir with a busybox one that writes and checks the files.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyYaml,
  cleanNamespace,
  execInPod,
  podrun,
  TEST_IMAGE,
  testNamespace,
} from './helpers/pods.js';

const ns = testNamespace('cp');
const PAUSE = process.env.PODRUN_PAUSE_IMAGE ?? '';
const local = mkdtempSync(join(tmpdir(), 'podrun-cp-'));
const BINARY = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));

beforeAll(async () => {
  expect(PAUSE).toMatch(/^podrun\/pause:/);
  await applyYaml(
    `apiVersion: v1
kind: Pod
metadata: { name: files }
spec:
  terminationGracePeriodSeconds: 0
  volumes: [{ name: data, emptyDir: {} }]
  containers:
    - name: bare
      image: ${PAUSE}
      imagePullPolicy: Never
      command: [/pause]
      volumeMounts: [{ name: data, mountPath: /data }]
    - name: shell
      image: ${TEST_IMAGE}
      command: [sh, -c, 'mkdir -p /data/dir/sub && echo hello > /data/dir/a.txt && ln -s a.txt /data/dir/link && ln -s /etc/passwd /data/dir/escape && touch /data/ready && exec sleep 3600']
      volumeMounts: [{ name: data, mountPath: /data }]
`,
    ns,
  );
  for (let i = 0; i < 50; i++) {
    const ready = await execInPod(ns, 'files', 'shell', ['test', '-e', '/data/ready']).catch(
      () => ({ exitCode: 1 }),
    );
    if (ready.exitCode === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

afterAll(async () => {
  await cleanNamespace(ns);
  rmSync(local, { recursive: true, force: true });
});

describe('podrun cp', () => {
  it('copies a local directory into a container that has no tar, and back out', async () => {
    const up = join(local, 'up');
    mkdirSync(join(up, 'nested'), { recursive: true });
    writeFileSync(join(up, 'nested', 'blob.bin'), BINARY);
    writeFileSync(join(up, 'note.txt'), 'from the host\n', { mode: 0o640 });
    const put = await podrun(['cp', up, `${ns}/files:/data/up`, '-c', 'bare']);
    expect(put).toMatchObject({ code: 0, stderr: '' });
    // The busybox container sees what went in through the bare one.
    const seen = await execInPod(ns, 'files', 'shell', [
      'sh',
      '-c',
      'cat /data/up/note.txt; md5sum /data/up/nested/blob.bin | cut -d" " -f1; stat -c %a /data/up/note.txt',
    ]);
    const md5 = (await import('node:crypto')).createHash('md5').update(BINARY).digest('hex');
    expect(seen.stdout).toBe(`from the host\n${md5}\n640\n`);
    const back = join(local, 'back');
    const get = await podrun(['cp', `files:/data/up`, back, '-n', ns, '-c', 'bare']);
    expect(get).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(join(back, 'note.txt'), 'utf8')).toBe('from the host\n');
    expect(readFileSync(join(back, 'nested', 'blob.bin')).equals(BINARY)).toBe(true);
  });

  it('keeps a link inside the copy and skips one that leads out, with a warning', async () => {
    const out = join(local, 'out');
    const result = await podrun(['cp', `files:/data/dir`, out, '-n', ns, '-c', 'bare']);
    expect(result.code).toBe(0);
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('hello\n');
    expect(readlinkSync(join(out, 'link'))).toBe('a.txt');
    expect(existsSync(join(out, 'escape'))).toBe(false);
    expect(result.stderr).toBe(
      'warning: skipped dir/escape: a link to /etc/passwd, outside the destination\n',
    );
  });

  it('puts a file copied onto an existing directory inside it, both ways', async () => {
    const file = join(local, 'single.txt');
    writeFileSync(file, 'one file\n');
    expect((await podrun(['cp', file, `files:/data`, '-n', ns])).code).toBe(0);
    const seen = await execInPod(ns, 'files', 'shell', ['cat', '/data/single.txt']);
    expect(seen.stdout).toBe('one file\n');
    const into = join(local, 'into');
    mkdirSync(into);
    expect((await podrun(['cp', `files:/data/single.txt`, into, '-n', ns])).code).toBe(0);
    expect(readFileSync(join(into, 'single.txt'), 'utf8')).toBe('one file\n');
  });

  it('fails with one line on a missing path, pod or local file', async () => {
    const path = await podrun(['cp', `files:/data/nope`, join(local, 'x'), '-n', ns]);
    expect(path).toMatchObject({
      code: 1,
      stderr: 'error: files:/data/nope: no such file or directory\n',
    });
    const pod = await podrun(['cp', `nopod:/data`, join(local, 'x'), '-n', ns]);
    expect(pod).toMatchObject({
      code: 1,
      stderr: `error: pods "nopod" not found in namespace ${ns}\n`,
    });
    const file = await podrun(['cp', join(local, 'missing'), `files:/data`, '-n', ns]);
    expect(file.code).toBe(1);
    expect(file.stderr).toMatch(/^error: .*missing: no such file or directory\n$/);
    const parent = await podrun([
      'cp',
      join(local, 'single.txt'),
      `files:/no/such/dir/x`,
      '-n',
      ns,
    ]);
    expect(parent).toMatchObject({
      code: 1,
      stderr: 'error: files:/no/such/dir: no such directory\n',
    });
  });
});
