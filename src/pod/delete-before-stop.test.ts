// The delete's beforeStop hook (how a supervisor takes a pod out of its Services
// before SIGTERM): it runs once the pod reads as Terminating and while its app still
// runs, and a failing hook does not stop the delete. Scripted on the fake engine.
import { describe, expect, it } from 'vitest';
import { deletePodRecord } from './delete-pod.js';
import { findPodRecord } from './records.js';
import { apply, engineObjects, IMAGE, manifests, podYaml, useFakePods } from './test-helpers.js';

const pods = useFakePods();

const POD = manifests(
  podYaml(
    'web',
    `terminationGracePeriodSeconds: 0
containers:
- {name: app, image: ${IMAGE}, imagePullPolicy: IfNotPresent}`,
  ),
);

const NOTHING = { containers: [], volumes: [], networks: [] };

async function web() {
  const record = await findPodRecord('default', 'web');
  if (!record) throw new Error('pod web not found');
  return record;
}

describe('deletePodRecord beforeStop', () => {
  it('runs with the pod marked Terminating and its app still running', async () => {
    await apply(pods, POD);
    let seen: { terminating: boolean; appState?: string } | undefined;
    await deletePodRecord(await web(), undefined, {
      beforeStop: async () => {
        const record = await web();
        seen = {
          terminating: record.terminating === true,
          appState: record.containers.find((c) => c.Names[0]?.includes('_app_'))?.State,
        };
      },
    });
    expect(seen).toEqual({ terminating: true, appState: 'running' });
    expect(await engineObjects(pods.fake)).toEqual(NOTHING);
  });

  it('a hook that fails leaves the delete to finish', async () => {
    await apply(pods, POD);
    await deletePodRecord(await web(), undefined, {
      beforeStop: async () => {
        throw new Error('no proxy answered');
      },
    });
    expect(await engineObjects(pods.fake)).toEqual(NOTHING);
  });
});
