// Every failure reaches the user as one line per problem on stderr and a non-zero
// exit code; stack traces only at debug level.
export function reportError(error: unknown): number {
  const err = error as Error & { exitCode?: number };
  const lines = String(err?.message ?? error)
    .split('\n')
    .filter((line) => line.trim() !== '');
  for (const line of lines.length > 0 ? lines : ['unknown error']) {
    process.stderr.write(`error: ${line}\n`);
  }
  if (process.env.PODRUN_LOG_LEVEL === 'debug' && err?.stack)
    process.stderr.write(`${err.stack}\n`);
  return typeof err?.exitCode === 'number' && err.exitCode > 0 ? err.exitCode : 1;
}
