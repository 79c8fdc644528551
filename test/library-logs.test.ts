// The library's pod.logs() reads like `kubectl logs`: one string with stdout and
// stderr merged in the order the container wrote them.
import { afterAll, describe, expect, it } from 'vitest';
import { startPod } from '../src/index.js';
import { cleanNamespace, TEST_IMAGE, testNamespace, waitFor } from './helpers/pods.js';

const ns = testNamespace('liblogs');

afterAll(async () => {
  await cleanNamespace(ns);
});

// stdout and stderr are separate pipes read by separate engine goroutines: the pause
// between writes makes the written order the order the engine records.
const written = ['out-1', 'err-1', 'out-2', 'err-2', 'out-3', 'err-3'];
const script = `${written
  .map((line) => `echo ${line}${line.startsWith('err') ? ' >&2' : ''}; sleep 0.1`)
  .join('; ')}; exec sleep 3600`;

describe('PodHandle.logs', () => {
  it('returns stdout and stderr merged in write order, --previous, tail and timestamps too', async () => {
    await using pod = await startPod(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'mixer' },
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: [{ name: 'mix', image: TEST_IMAGE, command: ['sh', '-c', script] }],
        },
      },
      { namespace: ns },
    );
    const all = `${written.join('\n')}\n`;
    expect(await waitFor('every line', async () => (await pod.logs('mix')) === all)).toBe(true);
    expect(await pod.logs('mix', { tail: 3 })).toBe('err-2\nout-3\nerr-3\n');

    const stamped = (await pod.logs('mix', { timestamps: true })).trimEnd().split('\n');
    expect(stamped.map((line) => line.slice(line.indexOf(' ') + 1))).toEqual(written);
    const nanos = stamped.map((line) => {
      const [, whole, fraction] = /^(\S+?)(?:\.(\d+))?Z /.exec(line)!;
      return `${whole}.${(fraction ?? '').padEnd(9, '0')}`;
    });
    expect(nanos).toEqual([...nanos].sort()); // non-decreasing engine times

    await pod.restart('mix');
    expect(await pod.logs('mix', { previous: true })).toBe(all);
  });
});
