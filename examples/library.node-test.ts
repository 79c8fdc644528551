// Using podrun from node:test (run: node --import tsx --test examples/library.node-test.ts).
// The pods come from the shared-memory and localhost-pair examples; each test owns its
// pods through `await using`, and the reaper removes them if the process dies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startPod } from 'podrun';

const example = (file: string) => new URL(file, import.meta.url).pathname;
const options = { namespace: 'examples', gracePeriodSeconds: 0 };

async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('condition not met in 10 s');
}

describe('example pods', { concurrency: true }, () => {
  it('shm: the consumer reads what the producer writes to /dev/shm', async () => {
    await using pod = await startPod(example('./shared-memory.yaml'), options);
    const line = await eventually(async () => {
      const logs = await pod.logs('consumer');
      return /tick-\d+/.exec(logs)?.[0];
    });
    assert.match(line, /^tick-\d+$/);
    const { stdout } = await pod.exec('consumer', ['cat', '/dev/shm/counter']);
    assert.match(stdout, /^tick-\d+\n$/);
  });

  it('pair: the server answers on localhost and on a random host port', async () => {
    await using pod = await startPod(example('./localhost-pair.yaml'), options);
    const logs = await eventually(async () => {
      const text = await pod.logs('client');
      return text.includes('server says pong') ? text : undefined;
    });
    assert.ok(logs.includes('server says pong'));
    const response = await fetch(pod.url(9000, '/ping'));
    assert.equal((await response.text()).trim(), 'pong');
  });
});
