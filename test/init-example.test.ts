// The Kubernetes docs' init-container example (examples/init-containers.yaml), applied
// unchanged but for its images: two init containers wait until
// `myservice.<ns>.svc.cluster.local` and `mydb.<ns>.svc.cluster.local` resolve, with
// the namespace read from the service-account file; the Services in the same file
// make those names, so the pod reaches Running.
import { afterAll, describe, expect, it } from 'vitest';
import { listPodrunNetworks } from '../src/docker/networks.js';
import { Labels } from '../src/plan/labels.js';
import { listServiceRecords } from '../src/pod/service-records.js';
import { cleanNamespace, objectsIn, podrun, sh, testNamespace } from './helpers/pods.js';

const ns = testNamespace('initex');
const FILE = 'examples/init-containers.yaml';

afterAll(async () => {
  await podrun(['delete', '-f', FILE, '-n', ns, '--grace-period', '0']);
  await cleanNamespace(ns);
});

describe("the Kubernetes docs' init-container example", () => {
  it('applies unchanged and reaches Running once its Services exist', async () => {
    const applied = await podrun(['apply', '-f', FILE, '-n', ns, '--wait=90s']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/service\/myservice created/);
    expect(applied.stdout).toMatch(/service\/mydb created/);
    expect(applied.stdout).toMatch(/pod\/myapp-pod created/);
    const pods = await podrun(['get', 'pods', '-n', ns]);
    expect(pods.stdout).toMatch(/myapp-pod\s+1\/1\s+Running/);
    // The init containers ran their lookups against the Services' names.
    const init = await podrun(['logs', 'myapp-pod', '-n', ns, '-c', 'init-mydb']);
    expect(init.stdout).toMatch(new RegExp(`mydb\\.${ns}\\.svc\\.cluster\\.local`));
    // The app container got the Services' link variables (made before the pod).
    const env = await sh(ns, 'myapp-pod', 'myapp-container', 'env');
    const [myservice] = await listServiceRecords({ namespace: ns, name: 'myservice' });
    expect(env).toContain(`MYSERVICE_SERVICE_HOST=${myservice?.clusterIP}`);
    expect(env).toContain('MYDB_SERVICE_PORT=80');
  });

  it('delete -f removes everything it made', async () => {
    const deleted = await podrun(['delete', '-f', FILE, '-n', ns, '--grace-period', '0']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(await objectsIn(ns)).toBe(0);
    expect(await listPodrunNetworks({ [Labels.namespace]: ns })).toEqual([]);
  });
});
