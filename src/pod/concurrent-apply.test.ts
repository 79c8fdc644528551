// Two or more applies of one unchanged pod at once (issue 10): every one resolves,
// one says `created` and the rest `unchanged`, and the engine holds one pod: one
// sandbox, one container per app, one namespace network. The interleavings that
// matter are scripted with the fake engine's gates.
import { describe, expect, it } from 'vitest';
import { apply, engineObjects, IMAGE, manifests, podYaml, useFakePods } from './test-helpers.js';

const pods = useFakePods();

// automountServiceAccountToken: false keeps the service-account volume out: the
// interleavings below are scripted around one pod volume (WITH_VOLUME) or none.
const WITH_VOLUME = manifests(
  podYaml(
    'web',
    `containers:
- {name: app, image: ${IMAGE}, imagePullPolicy: IfNotPresent, volumeMounts: [{name: scratch, mountPath: /scratch}]}
- {name: side, image: ${IMAGE}, imagePullPolicy: IfNotPresent}
volumes:
- {name: scratch, emptyDir: {}}
automountServiceAccountToken: false`,
  ),
);
const NO_VOLUME = manifests(
  podYaml(
    'web',
    `containers:
- {name: app, image: ${IMAGE}, imagePullPolicy: IfNotPresent}
- {name: side, image: ${IMAGE}, imagePullPolicy: IfNotPresent}
automountServiceAccountToken: false`,
  ),
);

const ONE_POD_WITH_VOLUME = {
  containers: [
    'podrun_default_web_POD_0 running',
    'podrun_default_web_app_0 running',
    'podrun_default_web_side_0 running',
  ],
  volumes: ['podrun_default_web_scratch'],
  networks: ['podrun_default'],
};
const ONE_POD = { ...ONE_POD_WITH_VOLUME, volumes: [] };

async function actions(runs: Promise<{ action: string }[]>[]): Promise<string[]> {
  const all = await Promise.all(runs);
  return all.map((results) => results.find((r) => r.action)?.action ?? '').sort();
}

describe('concurrent applies of one unchanged pod', () => {
  it('two at once: one created, one unchanged, one pod', async () => {
    const both = await actions([apply(pods, WITH_VOLUME), apply(pods, WITH_VOLUME)]);
    expect(both).toEqual(['created', 'unchanged']);
    expect(await engineObjects(pods.fake)).toEqual(ONE_POD_WITH_VOLUME);
  });

  it('five at once: one created, four unchanged, one pod', async () => {
    const runs = Array.from({ length: 5 }, () => apply(pods, WITH_VOLUME));
    expect(await actions(runs)).toEqual(['created', ...Array(4).fill('unchanged')]);
    expect(await engineObjects(pods.fake)).toEqual(ONE_POD_WITH_VOLUME);
    // One namespace network (a pod's, so with no subnet probe: docker/networks.ts).
    expect(pods.fake.callLog(['createNetwork'])).toEqual(['createNetwork podrun_default']);
  });

  it('the second reads the pod before the first has created anything', async () => {
    const { fake } = pods;
    // The first stops right before its first create of the pod (the network).
    const firstCreate = fake.hold('createNetwork');
    const first = apply(pods, WITH_VOLUME);
    await firstCreate.reached;
    // The second reads the pod (nothing there) and checks its names: all free.
    const secondRead = fake.hold(
      'inspectContainer',
      (name) => name === 'podrun_default_web_side_0',
      { when: 'after' },
    );
    const second = apply(pods, WITH_VOLUME);
    const read = await secondRead.reached;
    expect(read.error).toBeDefined(); // 404: nothing of the pod exists yet
    secondRead.release();
    firstCreate.release();
    expect(await actions([first, second])).toEqual(['created', 'unchanged']);
    expect(await engineObjects(fake)).toEqual(ONE_POD_WITH_VOLUME);
  });

  it('the second read nothing, and its sandbox create is refused (409): the first made it a moment before', async () => {
    const { fake } = pods;
    const isSandbox = (options: { name?: string }) => options.name === 'podrun_default_web_POD_0';
    const firstBefore = fake.hold('createContainer', isSandbox);
    const first = apply(pods, NO_VOLUME);
    await firstBefore.reached;
    // The second read the pod (nothing) and is at its own sandbox create.
    const secondBefore = fake.hold('createContainer', isSandbox);
    const second = apply(pods, NO_VOLUME);
    await secondBefore.reached;
    // The first's create lands; the first has not heard of it yet.
    const firstAfter = fake.hold('createContainer', isSandbox, { when: 'after' });
    firstBefore.release();
    await firstAfter.reached;
    secondBefore.release();
    const refused = await secondBefore.reached;
    firstAfter.release();
    expect(await actions([first, second])).toEqual(['created', 'unchanged']);
    expect((refused.error as { statusCode?: number }).statusCode).toBe(409);
    expect(await engineObjects(fake)).toEqual(ONE_POD);
  });

  it('the sandbox create conflicts (409): the second wins the create while the first is held before it', async () => {
    const { fake } = pods;
    const firstSandbox = fake.hold(
      'createContainer',
      (options) => options.name === 'podrun_default_web_POD_0',
    );
    const first = apply(pods, NO_VOLUME);
    await firstSandbox.reached;
    // The second creates the sandbox (and the pod) while the first waits to create it.
    const secondSandbox = fake.hold(
      'createContainer',
      (options) => options.name === 'podrun_default_web_POD_0',
      { when: 'after' },
    );
    const second = apply(pods, NO_VOLUME);
    const made = await secondSandbox.reached;
    secondSandbox.release();
    firstSandbox.release();
    const [a, b] = await Promise.all([first, second]);
    expect(made.error).toBeUndefined();
    expect(a.find((r) => r.kind === 'Pod')?.action).toBe('unchanged');
    expect(b.find((r) => r.kind === 'Pod')?.action).toBe('created');
    expect(await engineObjects(fake)).toEqual(ONE_POD);
  });

  it('both sync loops create the same app container: the engine refuses one, the loser adopts it', async () => {
    const { fake } = pods;
    // The first apply decided to create the app container and waits right before the
    // create; the second (unchanged: the sandbox exists) joins the first run, reads
    // no app container either, and creates it first.
    const isApp = (options: { name?: string }) => options.name === 'podrun_default_web_app_0';
    const firstApp = fake.hold('createContainer', isApp);
    const first = apply(pods, NO_VOLUME);
    await firstApp.reached;
    const secondApp = fake.hold('createContainer', isApp, { when: 'after' });
    const second = apply(pods, NO_VOLUME);
    const made = await secondApp.reached;
    expect(made.error).toBeUndefined();
    secondApp.release();
    firstApp.release();
    const held = await firstApp.reached;
    expect(await actions([first, second])).toEqual(['created', 'unchanged']);
    expect((held.error as { statusCode?: number }).statusCode).toBe(409);
    expect(await engineObjects(fake)).toEqual(ONE_POD);
    // Started once, by its creator: the one that adopted it does not start it again.
    const app = fake.peek('podrun_default_web_app_0')?.id;
    expect(fake.calls.filter((c) => c.op === 'startContainer' && c.args[0] === app)).toHaveLength(
      1,
    );
  });
});
