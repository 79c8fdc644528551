// A whole bundle as a test environment, from plain Node 20 JavaScript (no TypeScript,
// no `await using`): run with `node --test examples/library-manifests.node-test.mjs`.
// startManifests applies examples/web-with-migration.yaml (a ConfigMap, a Deployment of
// two behind a Service, a migration Job) into a fresh namespace with a supervisor of its
// own, and resolves once the Deployment is rolled out and the Job is Complete.
// env.stop() in `finally` removes everything; if the process dies first, the reaper does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startManifests } from 'podrun';

const bundle = new URL('./web-with-migration.yaml', import.meta.url).pathname;

describe('web with migration', () => {
  it('serves the page through the Service after the migration ran', async () => {
    const env = await startManifests(bundle);
    try {
      // Every Service is published on a random host port, ClusterIP ones too.
      const response = await fetch(env.service('web').url(80));
      assert.equal(await response.text(), 'hello from the web deployment\n');
      assert.match(await env.logs('job/migrate'), /schema up to date/);
      const replicas = await env.pods('app=web');
      assert.equal(replicas.length, 2);
      const { stdout } = await replicas[0].exec('httpd', ['ls', '/www']);
      assert.equal(stdout, 'index.html\n');
    } finally {
      await env.stop();
    }
  });
});
