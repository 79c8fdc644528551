// Build an image from files held in memory (the pause image, test fixtures): the
// files become a tar build context streamed to the engine's classic builder.
// A failed build does NOT reject in dockerode: the HTTP request succeeds and the
// error arrives as an `{error, errorDetail}` message in the progress stream, so we
// follow the stream to its end and turn that message into a thrown ImageBuildError.
import type Docker from 'dockerode';
import { pack } from 'tar-stream';
import { PodrunError, type PodrunErrorOptions } from '../errors.js';
import { engineFor, type ProgressMessage } from './engine.js';
import { engineMessage } from './errors.js';

export interface BuildFile {
  /** Path inside the build context, e.g. "Dockerfile" or "bin/tool". */
  path: string;
  content: string | Buffer;
  /** File mode; default 0o644 (use 0o755 for executables). */
  mode?: number;
}

export interface BuildImageOptions {
  /** Tag(s) given to the image, e.g. "podrun/pause:0.1.0". */
  tags: string | string[];
  /** The build context; must include the Dockerfile. */
  files: BuildFile[];
  /** Name of the Dockerfile inside the context; default "Dockerfile". */
  dockerfile?: string;
  /** Labels set on the resulting image. */
  labels?: Record<string, string>;
  buildArgs?: Record<string, string>;
  /** Each line the builder prints ("Step 1/4 : FROM scratch", RUN output...). */
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
  docker?: Docker;
}

/** A build that the engine reported as failed; `output` holds the builder's log. */
export class ImageBuildError extends PodrunError {
  override name = 'ImageBuildError';
  constructor(
    message: string,
    readonly output: string,
    options: PodrunErrorOptions = {},
  ) {
    super(message, options);
  }
}

type BuildMessage = ProgressMessage;

// A fixed mtime keeps the context byte-identical for identical files, so the
// builder's layer cache hits on rebuilds.
const EPOCH = new Date(0);

/** The build context as an uncompressed tar (small contexts: built in memory). */
export function buildContext(files: BuildFile[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const archive = pack();
    const chunks: Buffer[] = [];
    archive.on('data', (chunk) => chunks.push(chunk as Buffer));
    archive.on('end', () => resolve(Buffer.concat(chunks)));
    archive.on('error', reject);
    for (const file of files) {
      const content = typeof file.content === 'string' ? Buffer.from(file.content) : file.content;
      archive.entry({ name: file.path, mode: file.mode ?? 0o644, mtime: EPOCH }, content);
    }
    archive.finalize();
  });
}

// The API's `labels` parameter makes the classic builder run one extra step (an
// intermediate container) per label; one LABEL line at the end costs one step.
function withLabels(files: BuildFile[], dockerfile: string, labels: Record<string, string>) {
  const pairs = Object.entries(labels).map(([k, v]) => `${JSON.stringify(k)}=${JSON.stringify(v)}`);
  if (pairs.length === 0) return files;
  if (!files.some((file) => file.path === dockerfile)) {
    throw new ImageBuildError(`build context has no ${dockerfile}`, '');
  }
  return files.map((file) =>
    file.path === dockerfile
      ? { ...file, content: `${file.content.toString().trimEnd()}\nLABEL ${pairs.join(' ')}\n` }
      : file,
  );
}

/** Build an image and return its id ("sha256:..."); throws ImageBuildError on failure. */
export async function buildImage(options: BuildImageOptions): Promise<string> {
  const client = engineFor(options.docker);
  const tags = Array.isArray(options.tags) ? options.tags : [options.tags];
  const dockerfile = options.dockerfile ?? 'Dockerfile';
  const files = withLabels(options.files, dockerfile, options.labels ?? {});
  const context = await buildContext(files);
  const describe = tags[0] ?? 'image';

  const log: string[] = [];
  let imageId: string | undefined;
  let failure: string | undefined;
  const onMessage = (message: BuildMessage) => {
    if (message.aux?.ID) imageId = message.aux.ID;
    const text = message.stream ?? message.status;
    if (text?.trim()) {
      log.push(text.trimEnd());
      options.onProgress?.(text.trimEnd());
    }
    if (message.error || message.errorDetail) {
      failure = (message.errorDetail?.message ?? message.error ?? 'unknown error').trim();
      log.push(failure);
    }
  };
  // `t` may repeat in the API (one image, several tags); the types allow one string.
  const query = {
    t: tags,
    dockerfile,
    buildargs: options.buildArgs ?? {},
    rm: true,
    forcerm: true,
    abortSignal: options.signal,
  };
  let streamed = false;
  try {
    await client.buildImage(context, query, (message) => {
      streamed = true;
      onMessage(message);
    });
  } catch (error) {
    if (!streamed) {
      throw new ImageBuildError(`building ${describe} failed: ${engineMessage(error)}`, '', {
        cause: error,
      });
    }
    failure ??= engineMessage(error);
  }

  const output = log.join('\n');
  if (failure) {
    // One line: the builder's error (e.g. "The command '/bin/sh -c exit 3' returned
    // a non-zero code: 3"); the full log stays on the error for debugging.
    throw new ImageBuildError(`building ${describe} failed: ${failure.split('\n')[0]}`, output);
  }
  // Old engines print only "Successfully built <id>"; inspect the tag then.
  imageId ??= (await client.inspectImage(describe)).Id;
  return imageId;
}
