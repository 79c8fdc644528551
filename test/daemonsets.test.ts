// DaemonSets through the CLI, with a supervisor of this file's own scope: on one node a
// DaemonSet is one pod, kept there (a deleted pod is replaced under a new name), shown
// by `get ds`, read by `logs ds/x`, and deleted with everything it made.
import { afterAll, describe, expect, it } from 'vitest';
import { listPodrunContainers } from '../src/docker/containers.js';
import { Labels } from '../src/plan/labels.js';
import { TEST_IMAGE, waitFor, writeManifest } from './helpers/pods.js';
import { scopedNamespace } from './helpers/supervised.js';

const { ns, ok, cleanUp } = scopedNamespace('daemonsets');

afterAll(cleanUp);

/** Names of the pods `get pods` lists, Running ones only when asked. */
async function podNames(runningOnly = false): Promise<string[]> {
  const rows = (await ok(['get', 'pods', '--no-headers'])).trim().split('\n').filter(Boolean);
  return rows
    .map((row) => row.split(/\s+/))
    .filter((cols) => !runningOnly || cols[2] === 'Running')
    .map((cols) => cols[0] ?? '');
}

const manifest = writeManifest(
  ns,
  'agent',
  `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      containers:
        - name: agent
          image: ${TEST_IMAGE}
          command: [sh, -c, 'trap "exit 0" TERM; echo agent up; while true; do sleep 1; done']
`,
);

describe('daemonsets', () => {
  it('apply --wait brings up its one pod; get ds and logs ds/x show it', async () => {
    expect(await ok(['apply', '-f', manifest, '--wait'])).toBe(
      'daemonset.apps/agent created\ndaemonset.apps/agent ready\n',
    );
    const rows = (await ok(['get', 'ds'])).split('\n');
    expect(rows[0]).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+/);
    expect(rows[1]).toMatch(/^agent\s+1\s+1\s+1\s+1\s+1\s+/);
    const pods = await podNames(true);
    expect(pods).toHaveLength(1);
    expect(pods[0]).toMatch(/^agent-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(await ok(['logs', 'ds/agent'])).toBe('agent up\n');
    // describe.go's DaemonSetDescriber, for the one node of the engine.
    const described = await ok(['describe', 'ds', 'agent']);
    expect(described.split('Pod Template:')[0]).toBe(
      [
        'Name:           agent',
        `Namespace:      ${ns}`,
        'Selector:       app=agent',
        'Node-Selector:  <none>',
        'Labels:         <none>',
        'Annotations:    <none>',
        'Desired Number of Nodes Scheduled: 1',
        'Current Number of Nodes Scheduled: 1',
        'Number of Nodes Scheduled with Up-to-date Pods: 1',
        'Number of Nodes Scheduled with Available Pods: 1',
        'Number of Nodes Misscheduled: 0',
        'Pods Status:  1 Running / 0 Waiting / 0 Succeeded / 0 Failed',
        '',
      ].join('\n'),
    );
    expect(described).toMatch(
      /^Pod Template:\n {2}Labels: {2}app=agent\n {2}Containers:\n {3}agent:\n/m,
    );
  }, 120_000);

  it('a deleted pod is replaced by a new one', async () => {
    const [before] = await podNames(true);
    expect(await ok(['delete', 'pod', before ?? ''])).toBe(`pod "${before}" deleted\n`);
    const after = await waitFor(
      'a replacement pod Running',
      async () => {
        const running = await podNames(true);
        return running.length === 1 && running[0] !== before ? running[0] : undefined;
      },
      30_000,
    );
    expect(after).toMatch(/^agent-/);
    expect(await podNames()).toEqual([after]);
    // The DaemonSet controller's events, one per pod it made.
    const described = await ok(['describe', 'ds', 'agent']);
    const made = [...described.matchAll(/SuccessfulCreate\s.*Created pod: (\S+)/g)].map(
      (m) => m[1],
    );
    expect(made).toEqual([before, after]);
  }, 60_000);

  it('delete ds removes its pod, and nothing is left', async () => {
    expect(await ok(['delete', 'ds', 'agent'])).toBe('daemonset.apps "agent" deleted\n');
    expect(await listPodrunContainers({ [Labels.namespace]: ns })).toEqual([]);
  }, 60_000);
});
