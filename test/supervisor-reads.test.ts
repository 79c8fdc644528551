// README, the supervisor: "Its unix socket is both the lock (one per engine) and how
// other podrun processes read readiness and events (`get pods`, `describe`,
// `apply --wait`), so there is no state file." Readiness and probe events live only in
// the detached supervisor's memory: `get pods` and `describe`, each a process of its
// own, show them. (`apply --wait` reading readiness: test/apply-wait.test.ts.)
import { afterAll, describe, expect, it } from 'vitest';
import { cleanNamespace, podrun, TEST_IMAGE, testNamespace, waitFor } from './helpers/pods.js';

const ns = testNamespace('sockread');
process.env.PODRUN_SUPERVISOR_SCOPE = ns;

afterAll(async () => {
  await podrun(['supervisor', 'stop']);
  await cleanNamespace(ns);
});

const manifest = `apiVersion: v1
kind: Pod
metadata: { name: gated }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sh, -c, 'sleep 3600']
      readinessProbe:
        exec: { command: [test, -e, /tmp/ready] }
        periodSeconds: 1
        failureThreshold: 1
`;

const readyColumn = async () => {
  const get = await podrun(['get', 'pods', '-n', ns]);
  return /^gated\s+(\d\/\d)\s/m.exec(get.stdout)?.[1];
};

describe('the supervisor socket', () => {
  it('is where get pods and describe read readiness and probe events', async () => {
    const applied = await podrun(['apply', '-f', '-', '-n', ns], manifest);
    expect(applied.code, applied.stderr).toBe(0);
    // The probe fails: an Unhealthy event, known only to the supervisor, in describe.
    await waitFor('an Unhealthy event in describe', async () => {
      const described = await podrun(['describe', 'pod', 'gated', '-n', ns]);
      return /Unhealthy/.test(described.stdout);
    });
    expect(await readyColumn()).toBe('0/1');
    await podrun(['exec', 'gated', '-n', ns, '--', 'touch', '/tmp/ready']);
    await waitFor('READY 1/1 in get pods', async () => (await readyColumn()) === '1/1');
  });
});
