import { describe, expect, it } from 'vitest';
import { planPod } from './plan-pod.js';
import {
  MIN_SCRUB_LENGTH,
  REDACTED,
  redactCreateOptions,
  redactText,
  secretContentValues,
  secretValues,
} from './redact.js';
import { b64, makeInput, podWith } from './testing.js';

const SECRET = 's3cr3t-value-0f9a';

function planned(container: Parameters<typeof podWith>[0], spec: Parameters<typeof podWith>[1]) {
  return planPod(
    makeInput(podWith(container, spec), {
      secrets: { creds: { data: { token: b64(SECRET), flag: b64('1') } } },
      configMaps: { cfg: { data: { token: 'public', mode: 'fast' } } },
    }),
  );
}

describe('secret-derived env (plan)', () => {
  it('marks secretKeyRef, envFrom.secretRef and literals that expand them', () => {
    const plan = planned(
      {
        envFrom: [{ secretRef: { name: 'creds' }, prefix: 'S_' }],
        env: [
          { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
          { name: 'URL', value: 'https://user:$(TOKEN)@db' },
          { name: 'PLAIN', value: 'hello $(MODE)' },
          { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } },
        ],
      },
      {},
    );
    expect(plan.containers[0]?.secretEnv).toEqual(['S_flag', 'S_token', 'TOKEN', 'URL']);
  });

  it('forgets a name that a later non-secret definition overrides', () => {
    const plan = planned(
      {
        envFrom: [{ secretRef: { name: 'creds' } }, { configMapRef: { name: 'cfg' } }],
        env: [{ name: 'flag', value: 'off' }],
      },
      {},
    );
    // cfg's token and the literal flag replace the secret's values.
    expect(plan.containers[0]?.secretEnv).toBeUndefined();
    expect(plan.containers[0]?.create.Env).toEqual(['flag=off', 'token=public', 'mode=fast']);
  });

  it('marks the files of secret volumes and projected secret sources', () => {
    const plan = planned(
      { volumeMounts: [{ name: 'a', mountPath: '/a' }] },
      {
        volumes: [
          { name: 'a', secret: { secretName: 'creds' } },
          {
            name: 'b',
            projected: {
              sources: [
                { secret: { name: 'creds', items: [{ key: 'token', path: 't' }] } },
                { configMap: { name: 'cfg' } },
              ],
            },
          },
        ],
      },
    );
    const files = plan.volumes.flatMap((v) => ('files' in v ? v.files : []));
    expect(files.map((f) => [f.path, f.secret === true])).toEqual([
      ['flag', true],
      ['token', true],
      ['t', true],
      ['mode', false],
      ['token', false],
      // The service-account volume's namespace file is no secret.
      ['namespace', false],
    ]);
  });
});

describe('redactCreateOptions', () => {
  it('hides secret env values, keeps names and every other value', () => {
    const plan = planned(
      {
        envFrom: [{ secretRef: { name: 'creds' } }],
        env: [
          { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
          { name: 'URL', value: 'https://u:$(TOKEN)@db' },
          { name: 'MODE', value: 'fast' },
        ],
      },
      {},
    );
    const container = plan.containers[0]!;
    const shown = redactCreateOptions(container);
    expect(shown.Env).toEqual([
      `flag=${REDACTED}`,
      `token=${REDACTED}`,
      `TOKEN=${REDACTED}`,
      `URL=${REDACTED}`,
      'MODE=fast',
    ]);
    expect(JSON.stringify(shown)).not.toContain(SECRET);
    // The engine's options are untouched.
    expect(container.create.Env).toContain(`TOKEN=${SECRET}`);
  });

  it('expands command and args with the marker in place of secret variables', () => {
    const plan = planned(
      {
        command: ['app', '--token=$(TOKEN)', '--mode=$(MODE)'],
        args: ['$(TOKEN)', 'x'],
        env: [
          { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
          { name: 'MODE', value: 'fast' },
        ],
      },
      {},
    );
    const container = plan.containers[0]!;
    expect(container.create.Entrypoint).toContain(`--token=${SECRET}`);
    const shown = redactCreateOptions(container);
    expect(shown.Entrypoint).toEqual(['app', `--token=${REDACTED}`, '--mode=fast']);
    expect(shown.Cmd).toEqual([REDACTED, 'x']);
  });

  it('summarizes the pod manifest label and leaves containers without secrets alone', () => {
    const plan = planned({ env: [{ name: 'A', value: 'b' }] }, {});
    const container = plan.containers[0]!;
    container.create.Labels = { ...container.create.Labels, 'io.podrun.pod-manifest': '{}' };
    const shown = redactCreateOptions(container);
    expect(shown.Env).toEqual(['A=b']);
    expect(shown.Labels?.['io.podrun.pod-manifest']).toBe('(the pod, JSON)');
  });
});

describe('secretValues and redactText', () => {
  it('collects secret env values and secret file contents of a plan', () => {
    const plan = planned(
      { env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } }] },
      {
        volumes: [
          { name: 'a', secret: { secretName: 'creds', items: [{ key: 'flag', path: 'f' }] } },
        ],
      },
    );
    expect(secretValues(plan).sort()).toEqual(['1', SECRET]);
  });

  it('scrubs an engine error that echoes the create options', () => {
    const message = `invalid environment variable: =${SECRET}`;
    expect(redactText(message, [SECRET])).toBe(`invalid environment variable: =${REDACTED}`);
  });

  it('scrubs JSON-escaped forms and the longest value first', () => {
    const quoted = 'pa"ss\\word';
    const line = JSON.stringify({ msg: `got ${quoted} and ${quoted}-extra` });
    expect(redactText(line, [quoted, `${quoted}-extra`])).toBe(
      JSON.stringify({ msg: `got ${REDACTED} and ${REDACTED}` }),
    );
  });

  it('leaves values shorter than the minimum to structural redaction', () => {
    const short = 'x'.repeat(MIN_SCRUB_LENGTH - 1);
    expect(redactText(`exit code ${short}`, [short])).toBe(`exit code ${short}`);
  });

  it('counts each line of a secret file as a value of its own', () => {
    expect(secretContentValues('user=admin\npass=hunter22\n')).toEqual([
      'user=admin\npass=hunter22\n',
      'user=admin',
      'pass=hunter22',
    ]);
    expect(secretContentValues('')).toEqual([]);
  });
});
