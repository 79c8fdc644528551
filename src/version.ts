// The package version, read once from package.json (kept out of the hot path of
// `podrun --version` by being a plain JSON read, no heavy imports).
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export const PODRUN_VERSION: string = pkg.version;
