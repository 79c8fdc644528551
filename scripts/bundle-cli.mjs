#!/usr/bin/env node
// Bundle the CLI into one file, dist/bundle/podrun.js (plus one chunk per
// verb), which bin/podrun.js prefers.
// Why: `podrun apply` spent ~190 ms in node before its first Docker call, most of it
// resolving and compiling ~400 CommonJS files, and half of those are dockerode's
// BuildKit session support (@grpc/grpc-js, protobufjs; build progress decoding) and docker-modem's SSH
// transport (ssh2), which podrun never uses on its normal paths. In the bundle those
// stay out of the file and are required from node_modules on first use only, so
// dockerode is still the engine client and an ssh:// DOCKER_HOST or a BuildKit build
// still works; they just cost nothing until then.
// pino and pino-pretty stay external too: src/log.ts loads them only to print.
// The verb modules are still evaluated lazily: esbuild turns the CLI's dynamic
// import()s of bundled modules into on-demand initialisers.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Modules loaded from node_modules on first property access or call, not at start-up. */
const LAZY = [
  {
    importer: /dockerode[\\/]lib[\\/]docker\.js$/,
    path: './session',
    target: 'dockerode/lib/session.js',
  },
  {
    importer: /dockerode[\\/]lib[\\/]docker\.js$/,
    path: './buildkit',
    target: 'dockerode/lib/buildkit.js',
  },
  {
    importer: /docker-modem[\\/]lib[\\/]modem\.js$/,
    path: './ssh',
    target: 'docker-modem/lib/ssh.js',
  },
  { importer: /dockerode[\\/]lib[\\/]util\.js$/, path: 'tar-fs', target: 'tar-fs' },
];

const lazyModules = {
  name: 'lazy-modules',
  setup(b) {
    b.onResolve({ filter: /^(\.\/session|\.\/buildkit|\.\/ssh|tar-fs)$/ }, (args) => {
      const hit = LAZY.find(
        (entry) => entry.path === args.path && entry.importer.test(args.importer),
      );
      return hit ? { path: hit.target, namespace: 'lazy' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      loader: 'js',
      contents: `
let real;
const load = () => (real ??= __podrunRequire(${JSON.stringify(args.path)}));
module.exports = new Proxy(function () {}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  apply: (_, self, args) => load().apply(self, args),
  construct: (_, args) => new (load())(...args),
});`,
    }));
  },
};

/** The version is known at bundle time: no package.json read at start-up. */
const inlineVersion = {
  name: 'inline-version',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]version\.ts$/ }, () => ({
      loader: 'ts',
      contents: `export const PODRUN_VERSION: string = ${JSON.stringify(version)};`,
    }));
  },
};

const result = await build({
  entryPoints: [join(root, 'src/cli/main.ts')],
  // Two levels below the package root like dist/cli/, so paths relative to
  // import.meta.url (the pause binary) resolve the same; one chunk per verb.
  outdir: join(root, 'dist/bundle'),
  entryNames: 'podrun',
  chunkNames: 'chunk-[hash]',
  splitting: true,
  bundle: true,
  metafile: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['pino', 'pino-pretty'],
  plugins: [lazyModules, inlineVersion],
  // CommonJS inside an ES module bundle needs a real require for node built-ins.
  banner: {
    js: "import { createRequire as __podrunCreateRequire } from 'node:module';\nconst require = __podrunCreateRequire(import.meta.url);\nconst __podrunRequire = require;",
  },
  legalComments: 'none',
  logLevel: 'warning',
});

if (process.env.PODRUN_BUNDLE_ANALYZE) {
  const { analyzeMetafile } = await import('esbuild');
  process.stdout.write(await analyzeMetafile(result.metafile));
}

// Chunk names carry a content hash, so each build leaves the previous build's chunks
// behind (3 MB after a day of builds, and a package packed then ships them). Remove
// what this build did not write, once the new files are all in place: a CLI started
// during the build finds either build whole.
const bundleDir = join(root, 'dist/bundle');
// (The metafile's paths are relative to the working directory.)
const written = new Set(Object.keys(result.metafile.outputs).map((path) => resolve(path)));
for (const name of readdirSync(bundleDir)) {
  const path = join(bundleDir, name);
  if (!written.has(path)) rmSync(path, { force: true });
}
