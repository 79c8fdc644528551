// A test process that uses the library and then dies: started by
// test/library-reaper.test.ts. Usage: library-child.ts <namespace> <hang|exit>.
// Prints "ready <pod> <owner>" once its pod runs; "hang" then waits to be killed,
// "exit" ends the process normally without deleting the pod.
import { ownerSession, startPod } from '../../src/index.js';
import { TEST_IMAGE } from './pods.js';

const [namespace, mode] = process.argv.slice(2);

const manifest = `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data }
spec:
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 1Mi } }
---
apiVersion: v1
kind: Pod
metadata: { name: doomed }
spec:
  terminationGracePeriodSeconds: 30
  volumes:
    - { name: scratch, emptyDir: {} }
    - { name: data, persistentVolumeClaim: { claimName: data } }
  containers:
    - name: main
      image: ${TEST_IMAGE}
      command: ["sleep", "3600"]
      volumeMounts:
        - { name: scratch, mountPath: /scratch }
        - { name: data, mountPath: /data }
`;

const pod = await startPod(manifest, { namespace });
process.stdout.write(`ready ${pod.name} ${ownerSession()}\n`);
if (mode === 'hang') setInterval(() => {}, 60_000);
if (mode === 'delete') await pod.delete({ gracePeriodSeconds: 0 });
