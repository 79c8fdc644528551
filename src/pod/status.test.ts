// STATUS words as kubectl prints them, from synthetic `docker ps -a` rows: pure,
// no engine. The Docker-backed lifecycle tests cover the same words end to end.
import type Docker from 'dockerode';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { Labels } from '../plan/labels.js';
import { groupPodRecords } from './records.js';
import { podStatus } from './status.js';

const pod: Pod = {
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    restartPolicy: 'Never',
    initContainers: [{ name: 'setup', image: 'x' }],
    containers: [
      { name: 'a', image: 'x' },
      { name: 'b', image: 'x' },
    ],
  },
};

type Row = [container: string, role: 'sandbox' | 'init' | 'app', state: string, status?: string];

function status(rows: Row[], spec: Pod = pod) {
  const containers = rows.map(
    ([container, role, state, dockerStatus], index) =>
      ({
        Id: `id${index}`,
        Names: [`/podrun_default_web_${container}_0`],
        Image: 'x',
        Created: 1_700_000_000 + index,
        State: state,
        Status: dockerStatus ?? (state === 'running' ? 'Up 1 second' : ''),
        Labels: {
          [Labels.managed]: 'true',
          [Labels.namespace]: 'default',
          [Labels.pod]: 'web',
          [Labels.role]: role,
          [Labels.container]: container,
          [Labels.attempt]: '0',
          ...(role === 'sandbox' ? { [Labels.podManifest]: JSON.stringify(spec) } : {}),
        },
        NetworkSettings: { Networks: {} },
      }) as unknown as Docker.ContainerInfo,
  );
  const [record] = groupPodRecords(containers);
  return podStatus(record!);
}

describe('podStatus', () => {
  it('Running with READY n/n once every app container runs', () => {
    const s = status([
      ['POD', 'sandbox', 'running'],
      ['setup', 'init', 'exited', 'Exited (0) 1 second ago'],
      ['a', 'app', 'running'],
      ['b', 'app', 'running'],
    ]);
    expect(s).toMatchObject({ phase: 'Running', status: 'Running', ready: 2, total: 2 });
  });

  it('Init:0/1 while the init container runs, PodInitializing for the apps', () => {
    const s = status([
      ['POD', 'sandbox', 'running'],
      ['setup', 'init', 'running'],
    ]);
    expect(s).toMatchObject({ phase: 'Pending', status: 'Init:0/1', ready: 0 });
  });

  it('Init:Error and Failed when an init container fails under Never', () => {
    const s = status([
      ['POD', 'sandbox', 'running'],
      ['setup', 'init', 'exited', 'Exited (3) 1 second ago'],
    ]);
    expect(s).toMatchObject({ phase: 'Failed', status: 'Init:Error' });
  });

  it('Completed and Succeeded when every app container exited 0', () => {
    const s = status([
      ['POD', 'sandbox', 'running'],
      ['setup', 'init', 'exited', 'Exited (0) 1 second ago'],
      ['a', 'app', 'exited', 'Exited (0) 1 second ago'],
      ['b', 'app', 'exited', 'Exited (0) 1 second ago'],
    ]);
    expect(s).toMatchObject({ phase: 'Succeeded', status: 'Completed', ready: 0 });
  });

  it('Error and Failed when an app container failed under Never', () => {
    const s = status([
      ['POD', 'sandbox', 'running'],
      ['setup', 'init', 'exited', 'Exited (0) 1 second ago'],
      ['a', 'app', 'exited', 'Exited (1) 1 second ago'],
      ['b', 'app', 'exited', 'Exited (0) 1 second ago'],
    ]);
    expect(s).toMatchObject({ phase: 'Failed', status: 'Error' });
  });

  it('Terminating while the deletion marker stands', () => {
    const s = status([
      ['POD', 'sandbox', 'running'],
      ['setup', 'init', 'exited', 'Exited (0) 1 second ago'],
      ['a', 'app', 'running'],
      ['b', 'app', 'running'],
      ['TERMINATING', 'app', 'created'],
    ]);
    expect(s.status).toBe('Terminating');
  });

  it('ContainerCreating before the app containers exist (no init containers)', () => {
    const noInit: Pod = { ...pod, spec: { ...pod.spec!, initContainers: [] } };
    const s = status([['POD', 'sandbox', 'running']], noInit);
    expect(s).toMatchObject({ phase: 'Pending', status: 'ContainerCreating', total: 2 });
  });
});

describe('a pod that is nothing but a marker', () => {
  it('is still listed, as Terminating, so delete can finish it', () => {
    const marker = {
      Id: 'm',
      Names: ['/podrun_default_web_TERMINATING_0'],
      Image: 'x',
      Created: 1_700_000_000,
      State: 'created',
      Status: 'Created',
      Labels: {
        [Labels.managed]: 'true',
        [Labels.namespace]: 'default',
        [Labels.pod]: 'web',
        [Labels.role]: 'marker',
        [Labels.container]: 'TERMINATING',
      },
    } as unknown as Docker.ContainerInfo;
    const [record] = groupPodRecords([marker]);
    expect(record).toMatchObject({ name: 'web', terminating: true, containers: [] });
    expect(record!.all.map((info) => info.Id)).toEqual(['m']);
    expect(podStatus(record!).status).toBe('Terminating');
  });
});
