#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (npm run build). It prefers the
// one-file bundle (scripts/bundle-cli.mjs; about 100 ms faster to start) unless the
// tsc output is newer (a `tsc` without the bundle step) or PODRUN_NO_BUNDLE is set.
import { statSync } from 'node:fs';

const bundle = new URL('../dist/bundle/podrun.js', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);
const mtime = (url) => statSync(url, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const useBundle = !process.env.PODRUN_NO_BUNDLE && mtime(bundle) >= mtime(compiled);
// A Ctrl-C before a verb handles signals itself: while the CLI is still loading no
// verb has begun, so nothing was done. It stays registered for the whole run (without
// a listener node dies of the signal silently) and steps aside once a verb has its
// own listener (verbs that create things install theirs before they begin).
let begun = false;
const early = (name) => {
  if (process.listenerCount(name) > 1) return;
  process.stderr.write(begun ? 'error: interrupted\n' : 'error: interrupted: nothing was done\n');
  process.exit(name === 'SIGTERM' ? 143 : 130);
};
process.on('SIGINT', early);
process.on('SIGTERM', early);
// The warm path: a read verb (get, describe, logs) goes to the running supervisor, which
// has the engine client and the verbs loaded (src/cli/warm-client.ts); undefined
// when it cannot take it, and this process does the work.
const warmClient = new URL('../dist/cli/warm-client.js', import.meta.url);
const warm =
  mtime(warmClient) >= 0
    ? await (await import(warmClient)).runWarm(process.argv.slice(2))
    : undefined;
if (warm !== undefined) {
  process.exitCode = warm;
} else {
  const { main } = await import(useBundle ? bundle : compiled);
  begun = true;
  await main(process.argv);
}
