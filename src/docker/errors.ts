// Docker API errors carry an HTTP status and a JSON message. The conditions podrun acts
// on are recognised here, by status code only (never by the message text, which
// changes between engine versions), and turned into one readable line. A podrun error
// that wraps an engine error keeps it as `cause`, and the predicates look through it.
export interface DockerApiError {
  statusCode?: number;
  json?: { message?: string } | null;
  reason?: string;
  message: string;
}

/** The engine's HTTP status of an error, or of the engine error it wraps (`cause`). */
export function statusOf(error: unknown): number | undefined {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    const status = (current as DockerApiError).statusCode;
    if (typeof status === 'number') return status;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** 404: no such container, image, volume, network, exec or path. */
export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

/**
 * 409: a name already taken (create), a removal already in progress, a container
 * that is not running (kill, exec) or a volume in use.
 */
export function isConflict(error: unknown): boolean {
  return statusOf(error) === 409;
}

/** 304: start of a running container, stop of a stopped one. */
export function isNotModified(error: unknown): boolean {
  return statusOf(error) === 304;
}

/**
 * A volume or network still used: a volume remove answers 409 ("volume is in use"),
 * a network remove 403 (libnetwork's ActiveEndpointsError is a Forbidden error:
 * "network ... has active endpoints"). Ask only about remove calls.
 */
export function isInUse(error: unknown): boolean {
  const status = statusOf(error);
  return status === 409 || status === 403;
}

/** Exec or kill of a container that is not running: 409. Ask only about exec and kill. */
export function isNotRunning(error: unknown): boolean {
  return statusOf(error) === 409;
}

/** The engine's own sentence, without dockerode's "(HTTP code 409) conflict -" prefix. */
export function engineMessage(error: unknown): string {
  const err = error as DockerApiError;
  const fromJson = err?.json?.message;
  if (fromJson) return fromJson.trim();
  const text = String(err?.message ?? error);
  return text.replace(/^\(HTTP code \d+\)\s*[\w ]*-\s*/, '').trim();
}

/** An error shaped as dockerode's for an engine answer (the fake engine makes these). */
export function engineError(statusCode: number, message: string): Error & DockerApiError {
  const reason = REASONS[statusCode] ?? 'unexpected';
  return Object.assign(new Error(`(HTTP code ${statusCode}) ${reason} - ${message} `), {
    statusCode,
    reason,
    json: { message },
  });
}

const REASONS: Record<number, string> = {
  304: 'container already started',
  400: 'bad parameter',
  403: 'operation not permitted',
  404: 'no such container',
  409: 'conflict',
  500: 'server error',
};
