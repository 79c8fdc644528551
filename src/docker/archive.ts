// Write files into a container's filesystem (used to fill configMap, secret and
// downwardAPI volumes through the sandbox, which mounts them, and a pod's event
// store) with one tar upload, and read a file (the engine's resolv.conf) or a
// directory's files back with one download.
import { basename, dirname } from 'node:path';
import { extract, pack } from 'tar-stream';
import type { PlannedFile } from '../plan/types.js';
import { engine } from './engine.js';
import { isNotFound } from './errors.js';

export interface TarOptions {
  /** Directory every entry is placed under (its own entry carries rootMode). */
  root?: string;
  /** Mode of the extraction root itself (e.g. 0o777 for an emptyDir, as the kubelet makes it). */
  rootMode?: number;
  /** Extra (empty) directories to create, relative to the root. */
  directories?: string[];
}

/** One directory's files in an upload of several (putTrees). */
export interface TarTree extends TarOptions {
  files: PlannedFile[];
}

export function tarOf(files: PlannedFile[], options: TarOptions = {}): Promise<Buffer> {
  return tarOfTrees([{ files, ...options }]);
}

/** One tar of several directory trees, each under its own root entry. */
export function tarOfTrees(trees: readonly TarTree[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const archive = pack();
    const chunks: Buffer[] = [];
    archive.on('data', (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    archive.on('end', () => resolve(Buffer.concat(chunks)));
    archive.on('error', reject);
    for (const tree of trees) addTree(archive, tree);
    archive.finalize();
  });
}

function addTree(archive: ReturnType<typeof pack>, tree: TarTree): void {
  const directories = new Set<string>();
  const prefix = tree.root ? `${tree.root}/` : '';
  if (tree.root) {
    archive.entry({ name: prefix, type: 'directory', mode: tree.rootMode ?? 0o755 });
  }
  for (const dir of tree.directories ?? []) {
    const parts = dir.split('/').filter(Boolean);
    for (let depth = 1; depth <= parts.length; depth++) {
      const path = parts.slice(0, depth).join('/');
      if (directories.has(path)) continue;
      directories.add(path);
      archive.entry({
        name: `${prefix}${path}/`,
        type: 'directory',
        mode: tree.rootMode ?? 0o755,
      });
    }
  }
  for (const file of tree.files) {
    const parts = file.path.split('/').slice(0, -1);
    for (let depth = 1; depth <= parts.length; depth++) {
      const dir = parts.slice(0, depth).join('/');
      if (directories.has(dir)) continue;
      directories.add(dir);
      archive.entry({ name: `${prefix}${dir}/`, type: 'directory', mode: 0o755 });
    }
    archive.entry(
      { name: `${prefix}${file.path}`, mode: file.mode, mtime: new Date(0) },
      Buffer.from(file.contentBase64, 'base64'),
    );
  }
}

export async function putFiles(
  containerId: string,
  directory: string,
  files: PlannedFile[],
  options: TarOptions = {},
): Promise<void> {
  await putTrees(containerId, [{ directory, files, ...options }]);
}

/**
 * Fill several directories in one upload per parent directory (a pod's volumes all
 * sit under one parent in its sandbox: one engine call instead of one per volume).
 */
export async function putTrees(
  containerId: string,
  trees: ReadonlyArray<Omit<TarTree, 'root'> & { directory: string }>,
): Promise<void> {
  const byParent = new Map<string, TarTree[]>();
  for (const { directory, ...tree } of trees) {
    const nothingToDo =
      tree.files.length === 0 && tree.rootMode === undefined && !tree.directories?.length;
    if (nothingToDo) continue;
    // The engine does not apply a tar's "./" entry to an existing target directory,
    // so upload into the parent with the directory itself as the first entry: that is
    // how its mode (an emptyDir's 0777) gets set.
    const parent = dirname(directory);
    byParent.set(parent, [...(byParent.get(parent) ?? []), { ...tree, root: basename(directory) }]);
  }
  await Promise.all(
    [...byParent].map(async ([parent, group]) =>
      engine().putArchive(containerId, await tarOfTrees(group), { path: parent }),
    ),
  );
}

/** Whether a path exists in a container's filesystem (its volumes included). */
export async function pathExists(containerId: string, path: string): Promise<boolean> {
  try {
    await engine().statArchive(containerId, { path });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** The content of one file of a container (GET /containers/{id}/archive), as text. */
export async function readFile(containerId: string, path: string): Promise<string> {
  const stream = await engine().getArchive(containerId, { path });
  return new Promise((resolve, reject) => {
    const archive = extract();
    const chunks: Buffer[] = [];
    archive.on('entry', (_header, entry, next) => {
      entry.on('data', (chunk: unknown) => {
        chunks.push(chunk as Buffer);
      });
      entry.on('end', next);
      entry.resume();
    });
    archive.on('finish', () => resolve(Buffer.concat(chunks).toString('utf8')));
    archive.on('error', reject);
    stream.on('error', reject);
    stream.pipe(archive);
  });
}

/**
 * The regular files under `directory` of a container (started or not), by path
 * relative to it; empty when the container or the directory does not exist.
 */
export async function getFiles(
  containerId: string,
  directory: string,
): Promise<Map<string, Buffer>> {
  let archive: NodeJS.ReadableStream;
  try {
    archive = await engine().getArchive(containerId, { path: directory });
  } catch (error) {
    if (isNotFound(error)) return new Map();
    throw error;
  }
  const files = new Map<string, Buffer>();
  const top = `${basename(directory)}/`;
  await new Promise<void>((resolve, reject) => {
    const tar = extract();
    tar.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        if (header.type === 'file') {
          const name = header.name.startsWith(top) ? header.name.slice(top.length) : header.name;
          files.set(name, Buffer.concat(chunks));
        }
        next();
      });
      stream.on('error', reject);
    });
    tar.on('finish', () => resolve());
    tar.on('error', reject);
    archive.on('error', reject);
    archive.pipe(tar);
  });
  return files;
}
