// Ctrl-C or SIGTERM during a mutating verb: abort at the next safe point so the verb
// can roll back what it created, instead of dying with half a pod left behind. A
// second Ctrl-C exits at once. `doing` says, at the moment of the signal, what the
// verb will do about it (it changes once the verb has reported what it created).
export function abortOnSignals(doing: () => string = () => 'stopping'): {
  signal: AbortSignal;
  /** 130 after SIGINT, 143 after SIGTERM (128 + the signal number, as shells report it). */
  exitCode(): number;
  /**
   * Stop listening. With `late`, a signal that still comes (the verb is done, the
   * process about to exit) prints late()'s lines and exits 130/143 at once.
   */
  dispose(late?: () => string[]): void;
} {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(name === 'SIGTERM' ? 143 : 130);
    received = name;
    process.stderr.write(`\n${name} received: ${doing()}...\n`);
    controller.abort(new Error(`interrupted by ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    exitCode: () => (received === 'SIGTERM' ? 143 : 130),
    dispose(late) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (!late) return;
      const onLate = (name: NodeJS.Signals) => {
        const lines = late();
        for (const line of lines) process.stderr.write(`error: ${line}\n`);
        process.exit(name === 'SIGTERM' ? 143 : 130);
      };
      process.once('SIGINT', onLate);
      process.once('SIGTERM', onLate);
    },
  };
}
