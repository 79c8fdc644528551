// Shared helpers for Docker-backed tests: apply YAML in-process, run commands in pod
// containers, and remove everything a test namespace holds.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { listPodrunContainers } from '../../src/docker/containers.js';
import { listPodrunVolumes, removeVolumeWhenFree } from '../../src/docker/volumes.js';
import { parseManifestText } from '../../src/manifest/parse.js';
import { Labels } from '../../src/plan/labels.js';
import { type ApplyResult, applyManifests } from '../../src/pod/apply.js';
import { containerExecCollect, type ExecResult } from '../../src/pod/container-io.js';
import { deletePodRecord } from '../../src/pod/delete-pod.js';
import { findPodRecord, listPodRecords } from '../../src/pod/records.js';

/** The fixture image scripts/build-images.ts builds: static busybox + podtool. */
export const TEST_IMAGE = 'podrun-test/busybox:1';

/** A namespace of its own per test file keeps tests apart and cleanup exact. */
export function testNamespace(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Write `body` to a manifest file in the temp dir, named after the namespace and `name`. */
export function writeManifest(namespace: string, name: string, body: string): string {
  const file = join(tmpdir(), `${namespace}-${name}.yaml`);
  writeFileSync(file, body);
  return file;
}

export async function applyYaml(yaml: string, namespace: string): Promise<ApplyResult[]> {
  const set = parseManifestText(yaml, 'test.yaml', {
    defaultNamespace: namespace,
    validate: 'strict',
  });
  return applyManifests(set, {});
}

export async function execInPod(
  namespace: string,
  pod: string,
  container: string,
  command: string[],
): Promise<ExecResult> {
  const record = await findPodRecord(namespace, pod);
  if (!record) throw new Error(`pod ${namespace}/${pod} not found`);
  return containerExecCollect(record, container, command);
}

/** Exec and expect success; returns trimmed stdout. */
export async function sh(
  namespace: string,
  pod: string,
  container: string,
  script: string,
): Promise<string> {
  const result = await execInPod(namespace, pod, container, ['sh', '-c', script]);
  if (result.exitCode !== 0) {
    throw new Error(
      `"${script}" in ${pod}/${container} exited ${result.exitCode}: ${result.stderr}`,
    );
  }
  return result.stdout.trim();
}

/** Remove every pod, pod volume, claim and config object of a namespace. */
export async function cleanNamespace(namespace: string): Promise<void> {
  const records = await listPodRecords({ namespace });
  await Promise.all(records.map((record) => deletePodRecord(record, 0)));
  const volumes = await listPodrunVolumes({ [Labels.namespace]: namespace });
  await Promise.all(volumes.map((volume) => removeVolumeWhenFree(volume.Name)));
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

const execFileAsync = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built CLI (bin/podrun.js), as a user would. */
export async function podrun(
  args: string[],
  input?: string,
  env: Record<string, string> = {},
): Promise<CliResult> {
  const child = execFileAsync('node', ['bin/podrun.js', ...args], {
    env: { ...process.env, PODRUN_LOG_LEVEL: process.env.PODRUN_LOG_LEVEL ?? 'warn', ...env },
    timeout: 120_000,
  });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failure.code === 'number' ? failure.code : 1,
      stdout: failure.stdout ?? '',
      stderr: failure.stderr ?? '',
    };
  }
}

/** How many podrun containers and volumes a namespace holds (0 = nothing left behind). */
export async function objectsIn(namespace: string): Promise<number> {
  const filter = { [Labels.namespace]: namespace };
  const [containers, volumes] = await Promise.all([
    listPodrunContainers(filter),
    listPodrunVolumes(filter),
  ]);
  return containers.length + volumes.length;
}

/** A one-container pod that sleeps; `extra` is appended to the container's fields. */
export function sleeperPod(
  name: string,
  options: { image?: string; imagePullPolicy?: string; extra?: string } = {},
): string {
  const policy = options.imagePullPolicy
    ? `      imagePullPolicy: ${options.imagePullPolicy}\n`
    : '';
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: main
      image: ${options.image ?? TEST_IMAGE}
${policy}      command: ["sleep", "3600"]
${options.extra ?? ''}`;
}
