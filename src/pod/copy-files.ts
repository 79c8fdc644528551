// `podrun cp`: files and directories between a pod's container and the local disk,
// through the engine's archive API (GET/PUT /containers/{id}/archive). The engine
// reads and writes the container's filesystem itself (its volumes included), so
// nothing is needed in the image: no tar, no shell (kubectl cp needs both,
// kubernetes#58512). As kubectl cp: `cp pod:/a/dir ./x` makes ./x a copy of dir;
// copying a file onto an existing directory puts it inside.
import {
  createReadStream,
  type Dirent,
  existsSync,
  lstatSync,
  readdirSync,
  readlinkSync,
  statSync,
} from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, posix, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract, type Header, pack } from 'tar-stream';
import { engine } from '../docker/engine.js';
import { isNotFound } from '../docker/errors.js';
import { PodrunError } from '../errors.js';
import { containerInstance, defaultContainerName } from './containers-of.js';
import { PodNotFoundError } from './errors.js';
import { findPodRecord } from './records.js';

export class CopyError extends PodrunError {
  override name = 'CopyError';
}

export interface PodPath {
  namespace: string;
  pod: string;
  /** Kubernetes container name; the pod's default container when absent. */
  container?: string;
  path: string;
}

export interface CopyReport {
  files: number;
  bytes: number;
  /** Entries not written, each with why (a link pointing out of the destination). */
  skipped: string[];
}

async function containerIdOf(target: PodPath): Promise<string> {
  const record = await findPodRecord(target.namespace, target.pod);
  if (!record || record.terminating) throw new PodNotFoundError(target.namespace, target.pod);
  return containerInstance(record, target.container ?? defaultContainerName(record)).Id;
}

/** The container path's first archive entry type: 'directory', 'file' (anything else), or undefined if absent. */
async function remoteKind(id: string, path: string): Promise<'directory' | 'file' | undefined> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await engine().getArchive(id, { path });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  return new Promise((resolvePromise, reject) => {
    const tar = extract();
    let answered = false;
    tar.on('entry', (header) => {
      answered = true;
      resolvePromise(header.type === 'directory' ? 'directory' : 'file');
      (stream as unknown as { destroy?: () => void }).destroy?.();
      tar.destroy();
    });
    tar.on('finish', () => {
      if (!answered) resolvePromise(undefined);
    });
    tar.on('error', (error) => {
      if (!answered) reject(error);
    });
    stream.on('error', (error) => {
      if (!answered) reject(error);
    });
    stream.pipe(tar);
  });
}

/** Where an archive entry goes under `root`, or undefined if its name would leave it. */
function inside(root: string, relativeName: string): string | undefined {
  const target = resolve(root, relativeName);
  const rel = relative(root, target);
  return rel.startsWith('..') || isAbsolute(rel) ? undefined : target;
}

/** Copy a container path to the local disk. */
export async function copyFromPod(source: PodPath, destination: string): Promise<CopyReport> {
  const id = await containerIdOf(source);
  let stream: NodeJS.ReadableStream;
  try {
    stream = await engine().getArchive(id, { path: source.path });
  } catch (error) {
    if (isNotFound(error))
      throw new CopyError(`${source.pod}:${source.path}: no such file or directory`);
    throw error;
  }
  const report: CopyReport = { files: 0, bytes: 0, skipped: [] };
  let root: string | undefined;
  const tar = extract();
  tar.on('entry', (header: Header, entry, next) => {
    const done = (error?: unknown) => {
      entry.resume();
      if (error) next(error as Error);
      else next();
    };
    // The archive's first entry is the source itself (its base name); the rest lie under it.
    const [top = '', ...restParts] = header.name.replace(/\/$/, '').split('/');
    const rest = restParts.join('/');
    if (root === undefined) {
      const isFile = header.type !== 'directory';
      const ontoDirectory =
        isFile && existsSync(destination) && statSync(destination).isDirectory();
      root = resolve(ontoDirectory ? join(destination, top) : destination);
    }
    const target = rest === '' ? root : inside(root, rest);
    if (!target) {
      report.skipped.push(`${header.name}: outside the destination`);
      return done();
    }
    const write = async () => {
      if (header.type === 'directory') {
        await mkdir(target, { recursive: true, mode: header.mode });
      } else if (header.type === 'symlink') {
        const link = header.linkname ?? '';
        // A link may not lead out of what is being copied (kubectl's rule too).
        if (isAbsolute(link) || !inside(root!, join(dirname(relative(root!, target)), link))) {
          report.skipped.push(`${header.name}: a link to ${link}, outside the destination`);
          return;
        }
        await mkdir(dirname(target), { recursive: true });
        await symlink(link, target);
      } else if (header.type === 'file') {
        await mkdir(dirname(target), { recursive: true });
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        const content = Buffer.concat(chunks);
        await writeFile(target, content, { mode: header.mode });
        report.files++;
        report.bytes += content.length;
      } else {
        report.skipped.push(`${header.name}: a ${header.type}, not a file or directory`);
      }
    };
    write().then(
      () => done(),
      (error) => done(error),
    );
  });
  await pipeline(stream, tar);
  return report;
}

/** The tar of a local file or directory, its entries named under `name`. */
function packLocal(local: string, name: string, report: CopyReport) {
  const archive = pack();
  const add = async (path: string, entryName: string): Promise<void> => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) {
      archive.entry({
        name: entryName,
        type: 'symlink',
        linkname: readlinkSync(path),
        mode: stat.mode & 0o7777,
      });
    } else if (stat.isDirectory()) {
      archive.entry({
        name: `${entryName}/`,
        type: 'directory',
        mode: stat.mode & 0o7777,
        mtime: stat.mtime,
      });
      const entries: Dirent[] = readdirSync(path, { withFileTypes: true });
      for (const child of entries.sort((a, b) => a.name.localeCompare(b.name)))
        await add(join(path, child.name), posix.join(entryName, child.name));
    } else if (stat.isFile()) {
      const entry = archive.entry({
        name: entryName,
        size: stat.size,
        mode: stat.mode & 0o7777,
        mtime: stat.mtime,
      });
      await pipeline(createReadStream(path), entry);
      report.files++;
      report.bytes += stat.size;
    } else {
      report.skipped.push(`${path}: not a file, directory or link`);
    }
  };
  add(local, name).then(
    () => archive.finalize(),
    (error) => archive.destroy(error as Error),
  );
  return archive;
}

/** Copy a local file or directory into a container path. */
export async function copyToPod(local: string, destination: PodPath): Promise<CopyReport> {
  if (!existsSync(local)) throw new CopyError(`${local}: no such file or directory`);
  const id = await containerIdOf(destination);
  // Onto an existing directory: inside it, under the source's name; else as the path itself.
  const kind = await remoteKind(id, destination.path);
  const target =
    kind === 'directory'
      ? posix.join(destination.path, basename(resolve(local)))
      : destination.path;
  const parent = posix.dirname(target);
  if ((await remoteKind(id, parent)) !== 'directory')
    throw new CopyError(`${destination.pod}:${parent}: no such directory`);
  const report: CopyReport = { files: 0, bytes: 0, skipped: [] };
  const archive = packLocal(local, posix.basename(target), report);
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  await engine().putArchive(id, Buffer.concat(chunks), { path: parent });
  return report;
}
