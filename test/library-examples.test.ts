// The node:test examples run in the project's suite through these tests (the vitest
// example is picked up by the docker project directly). All import 'podrun', the
// built package (npm run build), as a user's test suite does.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

describe('examples', () => {
  it('the node:test example passes', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', tsx, '--test', '--test-reporter=tap', 'examples/library.node-test.ts'],
      { timeout: 60_000 },
    ).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`node --test failed:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    });
    expect(stdout).toMatch(/# pass 2/);
    expect(stdout).toMatch(/# fail 0/);
  });

  it('the plain JavaScript startManifests example passes', { timeout: 180_000 }, async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--test', '--test-reporter=tap', 'examples/library-manifests.node-test.mjs'],
      { timeout: 170_000 },
    ).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`node --test failed:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    });
    expect(stdout).toMatch(/# pass 1/);
    expect(stdout).toMatch(/# fail 0/);
  });
});
