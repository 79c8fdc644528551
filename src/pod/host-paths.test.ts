import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostPathError, makeSubPathDir } from './host-paths.js';

describe('makeSubPathDir', () => {
  let base = '';
  const modeOf = (path: string) => (statSync(path).mode & 0o7777).toString(8);

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'podrun-subpath-unit-'));
  });
  afterEach(() => {
    rmSync(base, { recursive: true, force: true });
  });

  it('creates every missing directory with the root mode, whatever the umask', () => {
    const root = join(base, 'vol');
    mkdirSync(root);
    chmodSync(root, 0o777);
    // What a plain mkdir gives: narrowed by the umask. The kubelet chmods, so do we.
    mkdirSync(join(base, 'plain'), { mode: 0o777 });
    expect(modeOf(join(base, 'plain'))).not.toBe('777');
    makeSubPathDir(root, 'x/y/z');
    for (const dir of ['x', 'x/y', 'x/y/z']) expect(modeOf(join(root, dir))).toBe('777');
  });

  it('leaves an existing file or directory as it is', () => {
    writeFileSync(join(base, 'file'), 'data', { mode: 0o600 });
    mkdirSync(join(base, 'dir'), { mode: 0o700 });
    makeSubPathDir(base, 'file');
    makeSubPathDir(base, 'dir');
    expect(statSync(join(base, 'file')).isFile()).toBe(true);
    expect(modeOf(join(base, 'dir'))).toBe('700');
  });

  it('refuses a symlink that leads out of the volume, and a missing volume', () => {
    const outside = mkdtempSync(join(tmpdir(), 'podrun-outside-'));
    try {
      symlinkSync(outside, join(base, 'escape'));
      expect(() => makeSubPathDir(base, 'escape/new')).toThrow(HostPathError);
      expect(statSync(outside).isDirectory()).toBe(true);
      expect(() => statSync(join(outside, 'new'))).toThrow();
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
    expect(() => makeSubPathDir(join(base, 'absent'), 'a')).toThrow(/does not exist/);
  });
});
