// Using podrun from a vitest suite: the web + sidecar example pod as a fixture.
// Each test gets its own pod (a unique name suffix and a random host port), so the
// tests may run concurrently; `await using` removes the pod when the test ends,
// passed or failed, and the reaper removes it if the test process dies.

import { startPod } from 'podrun';
import { describe, expect, it } from 'vitest';

const manifest = new URL('./web-sidecar.yaml', import.meta.url).pathname;
// A test needs no graceful stop: remove the pod at once (its own grace period is 5 s).
const options = { namespace: 'examples', gracePeriodSeconds: 0 };

async function page(url: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(url).catch(() => undefined);
    if (response?.ok) return response.text();
    if (attempt > 50) throw new Error(`${url} did not answer`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.concurrent('the web example pod', () => {
  it('serves the page the sidecar writes, on a random host port', async () => {
    // The manifest's fixed hostPort 8080 becomes a random free port (randomHostPorts).
    await using pod = await startPod(manifest, options);
    const { host, port } = pod.hostPort(8080, 'httpd');
    expect(port).not.toBe(8080);
    expect(await page(`http://${host}:${port}/`)).toContain(`Hello from pod ${pod.name}`);
  });

  it('shares the content volume between the containers', async () => {
    await using pod = await startPod(manifest, options);
    await pod.exec('refresher', 'echo from-test > /content/test.html');
    const served = await pod.exec('httpd', [
      'wget',
      '-q',
      '-O-',
      'http://localhost:8080/test.html',
    ]);
    expect(served).toMatchObject({ exitCode: 0, stdout: 'from-test\n' });
    const events = await pod.events();
    expect(events.map((event) => event.reason)).toContain('Started');
  });
});
