// Image presence and pulls with Kubernetes imagePullPolicy semantics.
// Errors are one line naming the image and the reason (pod status shows them as
// ErrImagePull / ErrImageNeverPull). A per-process cache remembers images known to be
// present so 20 pods of one image inspect it once, and concurrent pulls of one image
// share a single request.
import type Docker from 'dockerode';
import { PodrunError } from '../errors.js';
import { log } from '../log.js';
import { type Engine, engineFor, type ProgressMessage } from './engine.js';
import { engineMessage, isNotFound } from './errors.js';

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** One progress message of a pull, as the engine sends it. */
export interface PullProgress {
  id?: string;
  status?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
}
export type PullProgressFn = (event: PullProgress) => void;

export interface RegistryAuth {
  username?: string;
  password?: string;
  serveraddress?: string;
  identitytoken?: string;
}

export interface PullOptions {
  auth?: RegistryAuth;
  /** Give up after this long (the engine may hang on a blackholed registry). */
  timeoutMs?: number;
  signal?: AbortSignal;
  docker?: Docker;
}

export type PullFailure = 'unreachable' | 'not-found' | 'unauthorized' | 'timeout' | 'other';

export class ImagePullError extends PodrunError {
  override name = 'ImagePullError';
  constructor(
    message: string,
    readonly image: string,
    readonly reason: PullFailure,
  ) {
    super(message);
  }
}

/** imagePullPolicy Never and the image is missing (Kubernetes: ErrImageNeverPull). */
export class ImageNotPresentError extends PodrunError {
  override name = 'ImageNotPresentError';
  constructor(readonly image: string) {
    super(`image "${image}" not present and imagePullPolicy is Never`);
  }
}

// Per engine: a second engine (or a test's fake) has images of its own.
const presentOn = new WeakMap<Engine, Set<string>>();
const pullingOn = new WeakMap<Engine, Map<string, Promise<void>>>();

function presentSet(client: Engine): Set<string> {
  let set = presentOn.get(client);
  if (!set) {
    set = new Set();
    presentOn.set(client, set);
  }
  return set;
}

function pullingMap(client: Engine): Map<string, Promise<void>> {
  let map = pullingOn.get(client);
  if (!map) {
    map = new Map();
    pullingOn.set(client, map);
  }
  return map;
}

/** "busybox" → "busybox:latest"; tags and digests are kept (a port is not a tag). */
export function normalizeImageRef(ref: string): string {
  if (ref.includes('@')) return ref;
  const lastPart = ref.slice(ref.lastIndexOf('/') + 1);
  return lastPart.includes(':') ? ref : `${ref}:latest`;
}

/** Forget what the cache knows about an image (e.g. after removing it). */
export function forgetImage(ref: string, docker?: Docker): void {
  presentSet(engineFor(docker)).delete(normalizeImageRef(ref));
}

/**
 * Remove images podrun built that a rebuild has untagged (dangling, role=image):
 * without this every new pause or fixture build leaves its predecessor behind.
 */
export async function pruneReplacedPodrunImages(docker?: Docker): Promise<void> {
  try {
    await engineFor(docker).pruneImages({
      dangling: ['true'],
      label: ['io.podrun.role=image'],
    });
  } catch (error) {
    // Most often another prune is running: it will do the same.
    log().debug(`prune of replaced podrun images: ${engineMessage(error)}`);
  }
}

/** The engine's record of an image; rejects (404) when it is missing. */
export function inspectImage(ref: string, docker?: Docker): Promise<Docker.ImageInspectInfo> {
  return engineFor(docker).inspectImage(ref);
}

/** Whether the engine has the image; a positive answer is cached for the process. */
export async function imageExists(ref: string, docker?: Docker): Promise<boolean> {
  const key = normalizeImageRef(ref);
  const client = engineFor(docker);
  const present = presentSet(client);
  if (present.has(key)) return true;
  try {
    await client.inspectImage(key);
    present.add(key);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

// The registry's words, relayed by the engine: a pull failure has no status code of its
// own ("no such host" arrives as a 500 or inside the progress stream), so this one
// reads the text.
function classify(text: string): PullFailure {
  if (/no such host|connection refused|network is unreachable|i\/o timeout|TLS|EOF/i.test(text)) {
    return 'unreachable';
  }
  if (/unauthorized|denied|authentication required/i.test(text)) return 'unauthorized';
  if (/not found|manifest unknown|does not exist/i.test(text)) return 'not-found';
  return 'other';
}

const HINTS: Record<PullFailure, string> = {
  unreachable: 'registry unreachable',
  'not-found': 'image not found in the registry',
  unauthorized: 'access denied (check imagePullSecrets / registry credentials)',
  timeout: 'timed out',
  other: 'pull failed',
};

function pullError(ref: string, reason: PullFailure, detail: string): ImagePullError {
  const oneLine = detail.replace(/\s+/g, ' ').trim();
  return new ImagePullError(
    `cannot pull image "${ref}": ${HINTS[reason]}${oneLine ? ` (${oneLine})` : ''}`,
    ref,
    reason,
  );
}

async function pullOnce(ref: string, onProgress: PullProgressFn | undefined, options: PullOptions) {
  const client = engineFor(options.docker);
  const signals = [
    options.signal,
    options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : null,
  ];
  const signal = AbortSignal.any(signals.filter((s): s is AbortSignal => Boolean(s)));
  const timedOut = () => signal.aborted && !options.signal?.aborted;
  let failure: string | undefined;
  try {
    // Errors found after the pull started (manifest unknown, denied) arrive in the
    // progress stream, not as a rejected request.
    await client.pullImage(ref, { auth: options.auth, signal }, (event: ProgressMessage) => {
      if (event.error || event.errorDetail) {
        failure = event.errorDetail?.message ?? event.error;
      } else {
        onProgress?.(event);
      }
    });
  } catch (error) {
    if (timedOut()) {
      throw pullError(ref, 'timeout', `no answer within ${options.timeoutMs} ms`);
    }
    failure ??= engineMessage(error);
  }
  if (failure !== undefined) throw pullError(ref, classify(failure), failure);
  presentSet(client).add(normalizeImageRef(ref));
}

/**
 * Pull an image; throws ImagePullError with one line naming the image and the reason.
 * Concurrent pulls of one image share a request (only the first caller gets progress).
 */
export function pullImage(
  ref: string,
  onProgress?: PullProgressFn,
  options: PullOptions = {},
): Promise<void> {
  const key = normalizeImageRef(ref);
  const pulling = pullingMap(engineFor(options.docker));
  const running = pulling.get(key);
  if (running) return running;
  const pull = pullOnce(key, onProgress, options).finally(() => pulling.delete(key));
  pulling.set(key, pull);
  return pull;
}

/** Make the image available as the kubelet would for the given imagePullPolicy. */
export async function ensureImage(
  ref: string,
  policy: PullPolicy,
  onProgress?: PullProgressFn,
  options: PullOptions = {},
): Promise<void> {
  if (policy === 'Never') {
    if (!(await imageExists(ref, options.docker))) throw new ImageNotPresentError(ref);
    return;
  }
  if (policy === 'IfNotPresent') {
    if (await imageExists(ref, options.docker)) return;
    await pullImage(ref, onProgress, options);
    return;
  }
  // Always: the kubelet pulls every time and fails the container when the pull
  // fails, even if an older copy is on the node. We do the same, but say so.
  try {
    await pullImage(ref, onProgress, options);
  } catch (error) {
    if (error instanceof ImagePullError && (await imageExists(ref, options.docker))) {
      throw new ImagePullError(
        `${error.message}; a local copy exists but imagePullPolicy is Always (use IfNotPresent to run it offline)`,
        error.image,
        error.reason,
      );
    }
    throw error;
  }
}
