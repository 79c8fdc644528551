#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (npm run build). It prefers the
// one-file bundle (scripts/bundle-cli.mjs; about 100 ms faster to start) unless the
// tsc output is newer (a `tsc` without the bundle step) or PODRUN_NO_BUNDLE is set.
import { statSync } from 'node:fs';

const bundle = new URL('../dist/bundle/podrun.js', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);
const mtime = (url) => statSync(url, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const useBundle = !process.env.PODRUN_NO_BUNDLE && mtime(bundle) >= mtime(compiled);
const { main } = await import(useBundle ? bundle : compiled);

await main(process.argv);
