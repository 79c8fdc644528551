// The one error model of podrun, a leaf module every layer may import: every error
// podrun throws on purpose is a PodrunError, carrying the exit code the CLI ends with
// and a message of one line per problem (most have exactly one; a manifest or plan
// error with several issues has one line per issue). `cause` keeps the engine's error,
// so src/docker's predicates (isConflict, isNotFound, ...) still see its status code.

export interface PodrunErrorOptions {
  /** The CLI's exit code for this error; default 1 (kubectl exits 1 on any error). */
  exitCode?: number;
  cause?: unknown;
}

export class PodrunError extends Error {
  override name = 'PodrunError';
  readonly exitCode: number;

  constructor(message: string, options: PodrunErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }
}

/**
 * Several failures of one cleanup (cri-dockerd's `NewAggregate`): every step ran,
 * each failure is kept in `errors`, and the message has one line per failure.
 */
export class CleanupError extends PodrunError {
  override name = 'CleanupError';

  constructor(
    readonly errors: readonly unknown[],
    what = 'cleanup',
  ) {
    super(
      errors.length === 1
        ? `${what}: ${messageOf(errors[0])}`
        : `${what}: ${errors.length} failures:\n${errors.map((e) => `  ${messageOf(e)}`).join('\n')}`,
      { cause: errors[0] },
    );
  }
}

/** A CleanupError of the failures, or undefined when there were none. */
export function aggregate(errors: readonly unknown[], what?: string): CleanupError | undefined {
  return errors.length === 0 ? undefined : new CleanupError(errors, what);
}

function messageOf(error: unknown): string {
  return String((error as Error | undefined)?.message ?? error).split('\n')[0] ?? '';
}

/** The exit code an error asks for: a PodrunError's, else 1. */
export function exitCodeOf(error: unknown): number {
  return error instanceof PodrunError && error.exitCode > 0 ? error.exitCode : 1;
}
