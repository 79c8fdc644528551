// README, requirements: "Installed packages ship the prebuilt binary; no compiler is
// needed at run time." The package's file list is pinned (npm pack), and the packed
// tarball, installed in a temporary directory, builds its pause image from the shipped
// binary with compilers shadowed on PATH by stubs that record any call.
import { execFile } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDocker } from '../src/docker/client.js';
import { CONTENT_HASH_LABEL, LOCAL_PAUSE_IMAGE } from '../src/docker/pause-image.js';
import { EngineTracker, uniqueName } from './helpers/engine.js';

const run = promisify(execFile);
const engine = new EngineTracker('package');
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const COMPILERS = ['gcc', 'cc', 'c99', 'clang', 'tcc', 'make', 'ld', 'as'];
let work: string;
let packed: string[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'podrun-package-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    maxBuffer: 16 << 20,
  });
  const [info] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  packed = info.files.map((file) => file.path).sort();
  await run('tar', ['xzf', join(work, info.filename), '-C', work]);
  // The dependencies an `npm install` would bring (the shared install).
  symlinkSync(resolve('node_modules'), join(work, 'package/node_modules'));
}, 120_000);

afterAll(async () => {
  await engine.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('ships the CLI, the compiled library and the prebuilt pause binary, no sources or tests', () => {
    const arch = process.arch === 'x64' ? 'amd64' : process.arch;
    // Everything outside dist/ is exactly this.
    expect(packed.filter((path) => !path.startsWith('dist/'))).toEqual([
      'README.md',
      'bin/podrun.js',
      `images/pause/bin/pause-linux-${arch}`,
      'images/pause/pause.c',
      'package.json',
    ]);
    for (const entry of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'dist/bundle/podrun.js',
      'dist/supervisor/daemon.js',
      'dist/lib/watchdog.js',
    ]) {
      expect(packed).toContain(entry);
    }
    const unexpected = packed.filter(
      (path) =>
        /\.test\.|test-helpers/.test(path) || (path.endsWith('.ts') && !path.endsWith('.d.ts')),
    );
    expect(unexpected).toEqual([]);
  });

  it('installed, runs the CLI and builds its pause image without calling a compiler', async () => {
    // Stubs first on PATH: a compiler call would be recorded (and fail).
    const stubs = join(work, 'stubs');
    const calls = join(work, 'compiler-calls');
    mkdirSync(stubs);
    for (const name of COMPILERS) {
      const stub = join(stubs, name);
      writeFileSync(stub, `#!/bin/sh\necho ${name} >> ${calls}\nexit 1\n`);
      chmodSync(stub, 0o755);
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${stubs}:${dirname(process.execPath)}:/usr/bin:/bin`,
      PODRUN_LOG_LEVEL: 'warn',
    };
    delete env.PODRUN_PAUSE_IMAGE;
    const pkg = join(work, 'package');

    const cli = await run('node', [join(pkg, 'bin/podrun.js'), '--version'], { env });
    expect(cli.stdout.trim()).toBe(version);

    // The pause image of the installed package, built from its shipped binary: a tag
    // of our own, and a Kubernetes image that is neither present nor pullable.
    const localTag = `podrun-test/${uniqueName('pause-installed')}:1`;
    engine.trackImage(localTag);
    const script = `
      import { ensurePauseImage } from ${JSON.stringify(join(pkg, 'dist/docker/pause-image.js'))};
      const ref = await ensurePauseImage({ image: '', localTag: ${JSON.stringify(localTag)},
        registryImage: '127.0.0.1:9/absent/pause:3.10', pullTimeoutMs: 2000 });
      console.log(ref);`;
    const built = await run('node', ['--input-type=module', '-e', script], { env, cwd: work });
    expect(built.stdout.trim()).toBe(localTag);

    let recorded = '';
    try {
      recorded = readFileSync(calls, 'utf8');
    } catch {
      // no stub ran: no file
    }
    expect(recorded).toBe('');
    // Built from the same shipped binary as the suite's own pause image.
    const docker = await getDocker();
    const [mine, suite] = await Promise.all([
      docker.getImage(localTag).inspect(),
      docker.getImage(LOCAL_PAUSE_IMAGE).inspect(),
    ]);
    expect(mine.Config.Labels?.[CONTENT_HASH_LABEL]).toMatch(/^[0-9a-f]{64}$/);
    expect(mine.Config.Labels?.[CONTENT_HASH_LABEL]).toBe(
      suite.Config.Labels?.[CONTENT_HASH_LABEL],
    );
  }, 120_000);
});
