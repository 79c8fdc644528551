// Docker API errors carry an HTTP status and a JSON message; these helpers turn them
// into decisions (not found? conflict?) and into one readable line.
export interface DockerApiError {
  statusCode?: number;
  json?: { message?: string } | null;
  reason?: string;
  message: string;
}

export function statusOf(error: unknown): number | undefined {
  return (error as DockerApiError | undefined)?.statusCode;
}

export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

export function isConflict(error: unknown): boolean {
  return statusOf(error) === 409;
}

export function isNotModified(error: unknown): boolean {
  return statusOf(error) === 304;
}

/** The engine's own sentence, without dockerode's "(HTTP code 409) conflict -" prefix. */
export function engineMessage(error: unknown): string {
  const err = error as DockerApiError;
  const fromJson = err?.json?.message;
  if (fromJson) return fromJson.trim();
  const text = String(err?.message ?? error);
  return text.replace(/^\(HTTP code \d+\)\s*[\w ]*-\s*/, '').trim();
}
