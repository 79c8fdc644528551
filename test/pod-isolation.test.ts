// Different pods share nothing but the namespace network: they reach each other by
// pod IP and pod name, never over localhost, System V IPC or /dev/shm.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPodRecord } from '../src/pod/records.js';
import { podStatus } from '../src/pod/status.js';
import {
  applyYaml,
  cleanNamespace,
  execInPod,
  sh,
  TEST_IMAGE,
  testNamespace,
  waitFor,
} from './helpers/pods.js';

const ns = testNamespace('iso');

function podYaml(name: string, command: string): string {
  return `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: main
      image: ${TEST_IMAGE}
      command: ["sh", "-c", ${JSON.stringify(command)}]
`;
}

beforeAll(async () => {
  await applyYaml(
    `${podYaml('alpha', 'mkdir -p /www && echo alpha-page > /www/index.html && exec httpd -f -p 8080 -h /www')}---${podYaml('beta', 'exec sleep 3600')}`,
    ns,
  );
});

afterAll(async () => {
  await cleanNamespace(ns);
});

describe('two pods', () => {
  it('reach each other by pod IP and by pod name', async () => {
    const alpha = await findPodRecord(ns, 'alpha');
    const ip = podStatus(alpha!).podIP;
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const byIP = await waitFor('alpha by IP', async () =>
      sh(ns, 'beta', 'main', `wget -q -O - http://${ip}:8080/`),
    );
    expect(byIP).toBe('alpha-page');
    expect(await sh(ns, 'beta', 'main', 'wget -q -O - http://alpha:8080/')).toBe('alpha-page');
  });

  it('do not reach each other over localhost', async () => {
    await waitFor('alpha serving', async () =>
      sh(ns, 'alpha', 'main', 'wget -q -O - http://localhost:8080/'),
    );
    const result = await execInPod(ns, 'beta', 'main', [
      'wget',
      '-q',
      '-T',
      '2',
      '-O',
      '-',
      'http://localhost:8080/',
    ]);
    expect(result.exitCode).not.toBe(0);
  });

  it('do not share System V IPC or /dev/shm', async () => {
    await sh(
      ns,
      'alpha',
      'main',
      'podtool shm-create 5151 4096 && podtool msg-send 5252 only-alpha && echo x > /dev/shm/only-alpha',
    );
    expect((await execInPod(ns, 'alpha', 'main', ['podtool', 'shm-read', '5151'])).exitCode).toBe(
      0,
    );
    expect((await execInPod(ns, 'beta', 'main', ['podtool', 'shm-read', '5151'])).exitCode).toBe(3);
    expect((await execInPod(ns, 'beta', 'main', ['podtool', 'msg-recv', '5252'])).exitCode).toBe(3);
    expect((await execInPod(ns, 'beta', 'main', ['cat', '/dev/shm/only-alpha'])).exitCode).not.toBe(
      0,
    );
  });
});
