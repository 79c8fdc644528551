// Which image runs a pod's pause (sandbox) container. Order:
//  1. an explicit image (--pause-image / PODRUN_PAUSE_IMAGE): must exist or pull;
//  2. the Kubernetes pause image, if already present locally;
//  3. podrun's own local image podrun/pause:<version>, if present and built from the
//     binary this package ships (no network at all on every later run);
//  4. pull the Kubernetes pause image with a short timeout (offline must not hang);
//  5. build podrun/pause:<version> FROM scratch with the static binary that ships in
//     images/pause/bin (built by scripts/build-pause.sh), for the engine's arch.
// The answer is cached per process, and concurrent callers share one resolution, so
// 20 pods applied at once build the image once.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { PodrunError } from '../errors.js';
import { log } from '../log.js';
import { imageLabels } from '../plan/labels.js';
import { PODRUN_VERSION } from '../version.js';
import { buildImage } from './build-image.js';
import { type Engine, engineFor } from './engine.js';
import { engineMessage, isNotFound } from './errors.js';
import { imageExists, pruneReplacedPodrunImages, pullImage } from './images.js';

export const DEFAULT_PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';
export const LOCAL_PAUSE_IMAGE = `podrun/pause:${PODRUN_VERSION}`;
/** Label on images podrun builds: sha256 of their build inputs, to detect staleness. */
export const CONTENT_HASH_LABEL = 'io.podrun.content-hash';
const PULL_TIMEOUT_MS = Number(process.env.PODRUN_PAUSE_PULL_TIMEOUT_MS ?? 5000);

export interface PauseImageOptions {
  /** Explicit pause image; default PODRUN_PAUSE_IMAGE, then the order above. */
  image?: string;
  /** Tag for the locally built image; default podrun/pause:<version> (tests override). */
  localTag?: string;
  /** Extra labels for the locally built image. */
  labels?: Record<string, string>;
  /** Registry image tried before building; default registry.k8s.io/pause:3.10. */
  registryImage?: string;
  pullTimeoutMs?: number;
  docker?: Docker;
}

export class PauseImageError extends PodrunError {
  override name = 'PauseImageError';
}

// Per engine: a second engine (or a test's fake) resolves its own.
let resolvedOn = new WeakMap<Engine, Map<string, Promise<string>>>();

/** The pause image to use, ensured present. Safe to call concurrently. */
export function ensurePauseImage(options: PauseImageOptions = {}): Promise<string> {
  const explicit = options.image ?? process.env.PODRUN_PAUSE_IMAGE;
  const key = JSON.stringify([explicit, options.localTag, options.registryImage]);
  const client = engineFor(options.docker);
  let resolved = resolvedOn.get(client);
  if (!resolved) {
    resolved = new Map();
    resolvedOn.set(client, resolved);
  }
  let result = resolved.get(key);
  if (!result) {
    result = resolve(explicit, options);
    resolved.set(key, result);
    // A failure is not cached: the next pod may find the engine or registry back.
    const cache = resolved;
    result.catch(() => cache.delete(key));
  }
  return result;
}

/** Forget cached answers (tests, or after removing the image). */
export function resetPauseImageCache(): void {
  resolvedOn = new WeakMap();
}

async function resolve(explicit: string | undefined, options: PauseImageOptions) {
  const docker = options.docker;
  if (explicit) {
    if (await imageExists(explicit, docker)) return explicit;
    try {
      await pullImage(explicit, undefined, { docker, timeoutMs: options.pullTimeoutMs });
    } catch (error) {
      throw new PauseImageError(`pause image: ${(error as Error).message}`, { cause: error });
    }
    return explicit;
  }
  const registryImage = options.registryImage ?? DEFAULT_PAUSE_IMAGE;
  if (await imageExists(registryImage, docker)) return registryImage;

  const localTag = options.localTag ?? LOCAL_PAUSE_IMAGE;
  const arch = (await engineFor(docker).version()).Arch;
  const binary = await readFile(pauseBinaryPath(arch)).catch(() => undefined);
  // The labels and Dockerfile are part of the content: changing either rebuilds.
  const hash =
    binary &&
    createHash('sha256')
      .update(binary)
      .update(PAUSE_DOCKERFILE)
      .update(JSON.stringify(imageLabels(PODRUN_VERSION)))
      .digest('hex');
  const localHash = await localLabel(docker, localTag, CONTENT_HASH_LABEL);
  // Without a binary (a broken install) any local build beats failing.
  if (localHash !== undefined && (hash === undefined || localHash === hash)) return localTag;

  try {
    await pullImage(registryImage, undefined, {
      docker,
      timeoutMs: options.pullTimeoutMs ?? PULL_TIMEOUT_MS,
    });
    return registryImage;
  } catch (error) {
    // Offline or blocked: expected; build our own below.
    log().debug(`pause image: ${engineMessage(error)}; building ${localTag}`);
  }
  if (!binary || !hash) {
    throw new PauseImageError(
      `no pause binary for linux/${arch} at ${pauseBinaryPath(arch)}: run npm run build (needs a C compiler) or pass --pause-image`,
    );
  }
  await buildImage({
    docker,
    tags: localTag,
    labels: {
      ...imageLabels(PODRUN_VERSION),
      [CONTENT_HASH_LABEL]: hash,
      ...options.labels,
    },
    files: [
      { path: 'Dockerfile', content: PAUSE_DOCKERFILE },
      { path: 'pause', content: binary, mode: 0o755 },
      // COPY takes a directory's contents: one empty file makes the directory.
      { path: 'run-podrun/.keep', content: '' },
    ],
  });
  await pruneReplacedPodrunImages(docker);
  return localTag;
}

// 65535:65535 like the Kubernetes pause: it needs no privileges, and SIGTERM from
// the runtime still reaches it (pause.c installs a handler, which PID 1 requires).
// /run/podrun is that user's: a Service proxy saves there the config it takes over
// its control channel (images/pause/proxy-control.c).
const PAUSE_DOCKERFILE = `FROM scratch
COPY pause /pause
COPY --chown=65535:65535 run-podrun /run/podrun
USER 65535:65535
STOPSIGNAL SIGTERM
ENTRYPOINT ["/pause"]
`;

/** Path of the shipped pause binary; works from src/ (tsx) and dist/ alike. */
export function pauseBinaryPath(arch: string): string {
  return fileURLToPath(new URL(`../../images/pause/bin/pause-linux-${arch}`, import.meta.url));
}

/** A label of a local image; undefined when the image is missing. */
async function localLabel(docker: Docker | undefined, ref: string, label: string) {
  try {
    const info = await engineFor(docker).inspectImage(ref);
    return info.Config?.Labels?.[label] ?? '';
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
