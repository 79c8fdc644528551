// README, the two commands: `npm test` ends with "a check that nothing podrun created
// is left behind", and "Under CI=true, npm test fails if any test is skipped". Both
// checks of scripts/test.sh are run here as that script runs them: the leak check
// (scripts/leak-check.mjs) against a real labelled volume, and the summary step, taken
// verbatim from scripts/test.sh, against vitest JSON reports written for the purpose.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { getDocker } from '../src/docker/client.js';
import { Labels } from '../src/plan/labels.js';
import { testNamespace } from './helpers/pods.js';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'podrun-test-script-'));
const ns = testNamespace('leak');
const volume = `podrun-leak-check_${ns}`;

afterAll(async () => {
  const docker = await getDocker();
  await docker
    .getVolume(volume)
    .remove()
    .catch(() => {});
  rmSync(work, { recursive: true, force: true });
});

async function node(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  try {
    const { stdout, stderr } = await run('node', args, options);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? 1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

describe('the leak check', () => {
  it('fails naming a podrun object created after the snapshot, and not once it is gone', async () => {
    const snapshot = join(work, 'before.json');
    expect((await node(['scripts/leak-check.mjs', 'snapshot', snapshot])).code).toBe(0);
    const docker = await getDocker();
    await docker.createVolume({
      Name: volume,
      Labels: { [Labels.managed]: 'true', [Labels.namespace]: ns },
    });
    const leaked = await node(['scripts/leak-check.mjs', 'check', snapshot]);
    expect(leaked.code).toBe(1);
    expect(leaked.stderr).toMatch(/^leak check: the tests left \d+ podrun object\(s\) behind:$/m);
    expect(leaked.stderr).toContain(`  volume ${volume}\n`);

    await docker.getVolume(volume).remove();
    // Other people's objects may come and go on a shared engine: only ours is asked about.
    const clean = await node(['scripts/leak-check.mjs', 'check', snapshot]);
    expect(clean.stderr).not.toContain(volume);
  });
});

describe('the summary of scripts/test.sh under CI=true', () => {
  const script = /\nnode -e '\n([\s\S]*?)\n' \|\| status=1\n/.exec(
    readFileSync('scripts/test.sh', 'utf8'),
  )?.[1];

  /** Run the summary step in a directory holding .test/vitest.json. */
  async function summary(report: (dir: string) => object, ci: string | undefined) {
    const dir = mkdtempSync(join(work, 'run-'));
    mkdirSync(join(dir, '.test'));
    writeFileSync(join(dir, '.test/vitest.json'), JSON.stringify(report(dir)));
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (ci === undefined) delete env.CI;
    else env.CI = ci;
    return node(['-e', script!], { cwd: dir, env });
  }

  const report = (statuses: string[]) => (dir: string) => ({
    numPassedTests: statuses.filter((s) => s === 'passed').length,
    numFailedTests: 0,
    numFailedTestSuites: 0,
    numPendingTests: statuses.filter((s) => s === 'skipped' || s === 'pending').length,
    numTodoTests: statuses.filter((s) => s === 'todo').length,
    testResults: [
      {
        name: join(dir, 'test/x.test.ts'),
        assertionResults: statuses.map((status, i) => ({ status, fullName: `suite t${i}` })),
      },
    ],
  });

  it('is found in scripts/test.sh', () => {
    expect(script).toContain('process.env.CI === "true"');
  });

  it('fails a run with a skipped or todo test, naming each', async () => {
    const result = await summary(report(['passed', 'skipped', 'todo']), 'true');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('tests: 1 passed, 0 failed, 2 skipped');
    expect(result.stdout).toContain('skipped under CI=true: test/x.test.ts > suite t1');
    expect(result.stdout).toContain('skipped under CI=true: test/x.test.ts > suite t2');
  });

  it('passes the same run outside CI, and a run without skips under CI', async () => {
    expect((await summary(report(['passed', 'skipped']), undefined)).code).toBe(0);
    const clean = await summary(report(['passed', 'passed']), 'true');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('tests: 2 passed, 0 failed, 0 skipped');
  });
});
