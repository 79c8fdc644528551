// A test process that starts a whole-bundle environment and then is killed: started
// by test/library-manifests.test.ts. Usage: manifests-child.ts <manifest path>.
// Prints "ready <namespace> <owner>" once the environment is up, then waits.
import { ownerSession, startManifests } from '../../src/index.js';

const [manifest] = process.argv.slice(2);
const env = await startManifests(manifest!, { namespacePrefix: 'reap-env' });
process.stdout.write(`ready ${env.namespace} ${ownerSession()}\n`);
setInterval(() => {}, 60_000);
