// A whole bundle as a vitest fixture: examples/web-with-migration.yaml (a ConfigMap, a
// Deployment of two behind a Service, a migration Job) started by startManifests into
// a fresh namespace of its own for each test, so the tests run concurrently without a
// collision; `await using` removes all of it when the test ends, passed or failed, and
// the reaper does if the test process dies. The start's wall time is printed (the
// bench, not a test, holds speed targets).

import { startManifests } from 'podrun';
import { describe, expect, it } from 'vitest';

const bundle = new URL('./web-with-migration.yaml', import.meta.url).pathname;

describe.concurrent('the web bundle with its migration', () => {
  it('serves the page through the Service once the migration ran', async () => {
    const started = performance.now();
    await using env = await startManifests(bundle);
    console.log(`bundle up in ${(performance.now() - started).toFixed(0)} ms`);
    const response = await fetch(env.service('web').url(80));
    expect(await response.text()).toBe('hello from the web deployment\n');
    expect(await env.logs('job/migrate')).toBe('applying migration 0001\nschema up to date\n');
    expect(await env.pods('app=web')).toHaveLength(2);
  });

  it('reaches one replica directly through a port-forward', async () => {
    await using env = await startManifests(bundle);
    const forward = await env.forward('deploy/web', 'http');
    const response = await fetch(forward.url('/index.html'));
    expect(response.status).toBe(200);
    const [replica] = await env.pods('app=web');
    expect((await replica!.exec('httpd', ['ls', '/www'])).stdout).toBe('index.html\n');
  });
});
