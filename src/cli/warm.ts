// What the warm path may take (src/cli/warm-client.ts hands it to the supervisor,
// src/cli/warm-serve.ts runs it there), and how both sides know they would run the
// same settings (the same code: src/supervisor/build-stamp.ts). Only node built-ins
// here: the CLI process loads this before anything else.

/** Verbs whose whole effect is their output: nothing is created, no file or stdin read. */
const WARM_VERBS = new Set(['get', 'describe', 'logs']);

/**
 * Arguments that keep a verb in the CLI process: help, and logging settings (the
 * supervisor's log is not the user's terminal).
 */
const COLD_ARGS = /^(-h|--help|--log-level|--log-format)(=|$)/;

/** Per verb, the flags of a stream that runs until Ctrl-C (watch, follow) and their letter. */
const STREAMING: Record<string, { flags: RegExp; letter: string }> = {
  get: { flags: /^(-w|--watch|--watch-only)(=|$)/, letter: 'w' },
  logs: { flags: /^(-f|--follow)(=|$)/, letter: 'f' },
};

/** True if `args` (after `podrun`) may be served by the supervisor. */
export function warmEligible(args: string[]): boolean {
  const verb = args[0];
  if (verb === undefined || !WARM_VERBS.has(verb)) return false;
  const streaming = STREAMING[verb];
  return !args.some(
    (arg) =>
      COLD_ARGS.test(arg) ||
      // A file read relative to the CLI's directory.
      arg.includes('custom-columns-file=') ||
      (streaming !== undefined &&
        (streaming.flags.test(arg) ||
          // In a cluster of short flags (-wA, -pf); a flag's attached value may hold
          // the letter too, which only costs the warm path.
          (/^-[A-Za-z]{2,}$/.test(arg) && arg.includes(streaming.letter)))),
  );
}

/**
 * The settings that change what a verb does: PODRUN_* and DOCKER_*; not the opt-out,
 * and not the benchmark's PODRUN_BENCH_* (they only instrument a process).
 */
export function warmEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(env).sort()) {
    if (key === 'PODRUN_NO_WARM' || key.startsWith('PODRUN_BENCH_')) continue;
    const value = env[key];
    if (value !== undefined && (key.startsWith('PODRUN_') || key.startsWith('DOCKER_')))
      picked[key] = value;
  }
  return picked;
}

/** Why two warmEnv results differ (the first key), or undefined when they are equal. */
export function envDifference(
  a: Record<string, string>,
  b: Record<string, string>,
): string | undefined {
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
    if (a[key] !== b[key]) return `${key} differs`;
  return undefined;
}
