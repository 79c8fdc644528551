// hostPath volumes are checked (and created for the *OrCreate types) as the kubelet
// does, before any container mounts them, and their missing subPaths are made
// directories. This needs the engine on this host, which is what podrun targets; on
// a remote engine the check would look at the wrong disk.
import { chmodSync, lstatSync, mkdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PodrunError } from '../errors.js';

export class HostPathError extends PodrunError {
  override name = 'HostPathError';
}

export function prepareHostPath(path: string, type: string): void {
  const stat = (() => {
    try {
      return statSync(path);
    } catch {
      return undefined;
    }
  })();
  switch (type) {
    case '':
      return;
    case 'DirectoryOrCreate':
      if (!stat) mkdirSync(path, { recursive: true, mode: 0o755 });
      else if (!stat.isDirectory())
        throw new HostPathError(`hostPath ${path} exists but is not a directory`);
      return;
    case 'Directory':
      if (!stat?.isDirectory())
        throw new HostPathError(`hostPath ${path} is not an existing directory (type Directory)`);
      return;
    case 'FileOrCreate':
      if (!stat) writeFileSync(path, '', { mode: 0o644 });
      else if (!stat.isFile()) throw new HostPathError(`hostPath ${path} exists but is not a file`);
      return;
    case 'File':
      if (!stat?.isFile())
        throw new HostPathError(`hostPath ${path} is not an existing file (type File)`);
      return;
    case 'Socket':
      if (!stat?.isSocket())
        throw new HostPathError(`hostPath ${path} is not an existing socket (type Socket)`);
      return;
    case 'CharDevice':
      if (!stat?.isCharacterDevice())
        throw new HostPathError(`hostPath ${path} is not a character device`);
      return;
    case 'BlockDevice':
      if (!stat?.isBlockDevice()) throw new HostPathError(`hostPath ${path} is not a block device`);
      return;
    default:
      throw new HostPathError(`hostPath ${path}: unknown type ${type}`);
  }
}

function within(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..');
}

/**
 * Make a missing subPath of a volume directory (a hostPath, a claim volume's
 * mountpoint) a directory, as the kubelet does
 * (SafeMakeDir): every directory created gets the volume root's mode (chmod, so the
 * umask does not narrow it) and none may lead out of the volume through a symlink.
 * An existing subPath, file or directory, is left as it is. `subPath` is relative
 * and free of ".." (validated).
 */
export function makeSubPathDir(base: string, subPath: string): void {
  let root: string;
  try {
    root = realpathSync(base);
  } catch {
    throw new HostPathError(
      `hostPath ${base} does not exist, so subPath ${subPath} cannot be made`,
    );
  }
  const rootStat = statSync(root);
  if (!rootStat.isDirectory())
    throw new HostPathError(`${base} is not a directory, so it has no subPath ${subPath}`);
  const mode = rootStat.mode & 0o7777;
  let current = root;
  for (const part of subPath.split('/').filter(Boolean)) {
    const next = join(current, part);
    const stat = (() => {
      try {
        return lstatSync(next);
      } catch {
        return undefined;
      }
    })();
    if (!stat) {
      mkdirSync(next, { mode });
      chmodSync(next, mode);
      current = next;
      continue;
    }
    const real = realpathSync(next);
    if (!within(root, real))
      throw new HostPathError(`subPath ${subPath} of ${base} leads outside of it`);
    // The last part may be an existing file: mounted as the file, as on a node.
    current = real;
  }
}
