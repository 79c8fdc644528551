// Image presence and pulls with Kubernetes imagePullPolicy semantics.
// Errors are one line naming the image and the reason (pod status shows them as
// ErrImagePull / ErrImageNeverPull). A per-process cache remembers images known to be
// present so 20 pods of one image inspect it once, and concurrent pulls of one image
// share a single request.
import type Docker from 'dockerode';
import { timed } from '../log.js';
import { getDocker } from './client.js';
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

export class ImagePullError extends Error {
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
export class ImageNotPresentError extends Error {
  override name = 'ImageNotPresentError';
  constructor(readonly image: string) {
    super(`image "${image}" not present and imagePullPolicy is Never`);
  }
}

const present = new Set<string>();
const pulling = new Map<string, Promise<void>>();

/** "busybox" → "busybox:latest"; tags and digests are kept (a port is not a tag). */
export function normalizeImageRef(ref: string): string {
  if (ref.includes('@')) return ref;
  const lastPart = ref.slice(ref.lastIndexOf('/') + 1);
  return lastPart.includes(':') ? ref : `${ref}:latest`;
}

/** Forget what the cache knows about an image (e.g. after removing it). */
export function forgetImage(ref: string): void {
  present.delete(normalizeImageRef(ref));
}

/** Whether the engine has the image; a positive answer is cached for the process. */
/**
 * Remove images podrun built that a rebuild has untagged (dangling, role=image):
 * without this every new pause or fixture build leaves its predecessor behind.
 */
export async function pruneReplacedPodrunImages(docker?: Docker): Promise<void> {
  const client = docker ?? (await getDocker());
  await client
    .pruneImages({ filters: { dangling: ['true'], label: ['io.podrun.role=image'] } })
    .catch(() => undefined); // another prune is running: it will do the same
}

export async function imageExists(ref: string, docker?: Docker): Promise<boolean> {
  const key = normalizeImageRef(ref);
  if (present.has(key)) return true;
  const client = docker ?? (await getDocker());
  try {
    await timed(`inspect image ${key}`, () => client.getImage(key).inspect());
    present.add(key);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

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
  const docker = options.docker ?? (await getDocker());
  const signals = [
    options.signal,
    options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : null,
  ];
  const signal = AbortSignal.any(signals.filter((s): s is AbortSignal => Boolean(s)));
  const timedOut = () => signal.aborted && !options.signal?.aborted;
  let failure: string | undefined;
  try {
    const stream: NodeJS.ReadableStream = await docker.pull(ref, {
      abortSignal: signal,
      ...(options.auth ? { authconfig: options.auth } : {}),
    });
    // Errors found after the pull started (manifest unknown, denied) arrive in the
    // progress stream, not as a rejected request.
    await new Promise<void>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      docker.modem.followProgress(
        stream,
        (error: Error | null) => (error ? reject(error) : resolve()),
        (event: PullProgress & { error?: string; errorDetail?: { message?: string } }) => {
          if (event.error || event.errorDetail) {
            failure = event.errorDetail?.message ?? event.error;
          } else {
            onProgress?.(event);
          }
        },
      );
    });
  } catch (error) {
    if (timedOut()) {
      throw pullError(ref, 'timeout', `no answer within ${options.timeoutMs} ms`);
    }
    failure ??= engineMessage(error);
  }
  if (failure !== undefined) throw pullError(ref, classify(failure), failure);
  present.add(normalizeImageRef(ref));
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
  const running = pulling.get(key);
  if (running) return running;
  const pull = timed(`pull image ${key}`, () => pullOnce(key, onProgress, options)).finally(() =>
    pulling.delete(key),
  );
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
