// Secrets never reach the terminal or a log: a Secret used as env (secretKeyRef,
// envFrom.secretRef) and as a volume, and a postStart hook that echoes it and fails.
// Every podrun output is searched for the value; only the container itself sees it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podEvents } from '../src/pod/events.js';
import { findPodRecord } from '../src/pod/records.js';
import { cleanNamespace, podrun, TEST_IMAGE, testNamespace, waitFor } from './helpers/pods.js';
import { type SupervisedNamespace, superviseNamespace } from './helpers/supervised.js';

const ns = testNamespace('secrets');
const value = `s3cr3t-${randomBytes(8).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'podrun-secrets-'));
const file = join(dir, 'pod.yaml');
let supervised: SupervisedNamespace;

const env = `      env:
        - name: TOKEN
          valueFrom: { secretKeyRef: { name: creds, key: token } }
        - name: DSN
          value: "db://app:$(TOKEN)@db"
      envFrom: [{ secretRef: { name: creds }, prefix: S_ }]
      volumeMounts: [{ name: creds, mountPath: /etc/creds, readOnly: true }]
`;

const manifest = `apiVersion: v1
kind: Secret
metadata: { name: creds }
stringData:
  token: ${value}
---
apiVersion: v1
kind: Pod
metadata: { name: vault }
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{ name: creds, secret: { secretName: creds } }]
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sh, -c, 'echo started with $(TOKEN); exec sleep 3600']
${env}    - name: hooked
      image: ${TEST_IMAGE}
      command: [sleep, '3600']
      lifecycle:
        postStart:
          exec: { command: [sh, -c, 'echo "token is $TOKEN"; cat /etc/creds/token; exit 3'] }
${env}`;

/** The text must not hold the value; returns it for further checks. */
function clean(what: string, text: string): string {
  expect(text, `${what} leaks the secret`).not.toContain(value);
  return text;
}

beforeAll(async () => {
  writeFileSync(file, manifest);
  supervised = await superviseNamespace(ns, 200);
});

afterAll(async () => {
  await supervised.stop();
  await cleanNamespace(ns);
  rmSync(dir, { recursive: true, force: true });
});

describe('secrets stay out of podrun output', () => {
  it('apply --dry-run shows names and sizes, never the value', async () => {
    const result = await podrun(['apply', '--dry-run', '-f', file, '-n', ns]);
    expect(result.code).toBe(0);
    clean('dry-run stderr', result.stderr);
    const out = clean('dry-run stdout', result.stdout);
    // It is the real plan: the names are there, the values redacted.
    expect(out).toContain('TOKEN=<redacted>');
    expect(out).toContain('S_token=<redacted>');
    expect(out).toContain('DSN=<redacted>');
    expect(out).toContain('echo started with <redacted>; exec sleep 3600');
    expect(out).toMatch(/path: token\n\s+mode: "0644"\n\s+bytes: \d+\n\s+secret: true/);
  });

  it('apply --log-level debug logs Docker calls but no value', async () => {
    const result = await podrun(['--log-level', 'debug', 'apply', '-f', file, '-n', ns]);
    clean('apply stdout', result.stdout);
    clean('apply stderr', result.stderr);
    expect(result.stdout).toContain('pod/vault created');
    expect(result.stderr).toContain('create container');
    expect(result.stderr).toContain('put archive');
  });

  it('the containers really get the value', async () => {
    // The test image's busybox has no printenv applet: `env` is the same view.
    const printed = await podrun(['exec', 'vault', '-n', ns, '-c', 'app', '--', 'env']);
    expect(printed.code, printed.stderr).toBe(0);
    const vars = new Map(
      printed.stdout
        .split('\n')
        .map((line) => [line.split('=')[0], line.slice(line.indexOf('=') + 1)]),
    );
    expect(vars.get('TOKEN')).toBe(value);
    expect(vars.get('S_token')).toBe(value);
    expect(vars.get('DSN')).toBe(`db://app:${value}@db`);
    const file = await podrun([
      'exec',
      'vault',
      '-n',
      ns,
      '-c',
      'app',
      '--',
      'cat',
      '/etc/creds/token',
    ]);
    expect(file.stdout).toBe(value);
  });

  it('the failed postStart hook is an event without its output', async () => {
    // The supervisor restarts the hooked container and records the hook failure.
    const events = await waitFor(
      'FailedPostStartHook',
      async () => {
        const record = await findPodRecord(ns, 'vault');
        const list = record ? await podEvents(record) : [];
        return list.some((e) => e.reason === 'FailedPostStartHook') && list;
      },
      30_000,
    );
    const hook = events.find((e) => e.reason === 'FailedPostStartHook');
    // The kubelet's message, word for word.
    expect(hook?.message).toBe('PostStartHook failed');
    clean('events', JSON.stringify(events));
  });

  it('describe and get -o yaml|json show no value, with debug logging on', async () => {
    const debug = { PODRUN_LOG_LEVEL: 'debug' };
    const describe = await podrun(['describe', 'pod', 'vault', '-n', ns], undefined, debug);
    expect(describe.code).toBe(0);
    clean('describe stderr', describe.stderr);
    expect(clean('describe', describe.stdout)).toContain('PostStartHook failed');
    for (const output of ['yaml', 'json']) {
      const get = await podrun(['get', 'pods', 'vault', '-n', ns, '-o', output], undefined, debug);
      expect(get.code).toBe(0);
      clean(`get -o ${output} stderr`, get.stderr);
      expect(clean(`get -o ${output}`, get.stdout)).toContain('secretKeyRef');
    }
  });
});
