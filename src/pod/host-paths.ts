// hostPath volumes are checked (and created for the *OrCreate types) as the kubelet
// does, before any container mounts them. This needs the engine on this host, which
// is what podrun targets; on a remote engine the check would look at the wrong disk.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';

export class HostPathError extends Error {
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
