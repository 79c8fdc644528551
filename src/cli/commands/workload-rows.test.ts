import { describe, expect, it } from 'vitest';
import { formatKubectlTable } from '../tab-writer.js';
import {
  CRONJOB_HEADER,
  completionsCell,
  cronJobRow,
  DEPLOYMENT_HEADER,
  daemonSetRow,
  deploymentRow,
  formatLabelSelector,
  jobRow,
  REPLICASET_HEADER,
  replicaSetRow,
  WIDE_HEADER,
} from './workload-rows.js';

const now = new Date('2026-01-01T00:10:00Z');

describe('job rows', () => {
  it('prints STATUS, COMPLETIONS, DURATION and AGE as kubectl does', () => {
    const job = {
      metadata: { name: 'pi', uid: 'u1', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { completions: 4, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } },
    };
    const done = {
      succeeded: 4,
      startTime: '2026-01-01T00:00:01Z',
      completionTime: '2026-01-01T00:00:31Z',
      conditions: [{ type: 'Complete', status: 'True' }],
    };
    expect(jobRow(job, done, false, now)).toEqual(['pi', 'Complete', '4/4', '30s', '10m']);
    expect(jobRow(job, { succeeded: 1, startTime: '2026-01-01T00:09:00Z' }, true, now)).toEqual([
      'pi',
      'Running',
      '1/4',
      '60s',
      '10m',
      'c',
      'i',
      'batch.kubernetes.io/controller-uid=u1',
    ]);
    expect(jobRow(job, { conditions: [{ type: 'Failed', status: 'True' }] }, false, now)[1]).toBe(
      'Failed',
    );
  });

  it('prints n/1 without completions, and "of P" with parallelism above 1', () => {
    expect(completionsCell({ spec: { template: {} } }, { succeeded: 0 })).toBe('0/1');
    expect(completionsCell({ spec: { parallelism: 3, template: {} } }, { succeeded: 1 })).toBe(
      '1/1 of 3',
    );
  });
});

describe('daemonset rows', () => {
  it('prints the counts, the node selector and AGE', () => {
    const ds = {
      metadata: { name: 'agent', creationTimestamp: '2026-01-01T00:09:50Z' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { spec: { containers: [{ name: 'a', image: 'busybox' }] } },
      },
    };
    const status = {
      desiredNumberScheduled: 1,
      currentNumberScheduled: 1,
      numberReady: 1,
      updatedNumberScheduled: 1,
      numberAvailable: 1,
      numberMisscheduled: 0,
    };
    expect(daemonSetRow(ds, status, true, now)).toEqual([
      'agent',
      '1',
      '1',
      '1',
      '1',
      '1',
      '<none>',
      '10s',
      'a',
      'busybox',
      'app=agent',
    ]);
  });

  it('formats selectors as metav1.FormatLabelSelector', () => {
    expect(formatLabelSelector(undefined)).toBe('<none>');
    expect(
      formatLabelSelector({
        matchLabels: { a: 'b' },
        matchExpressions: [{ key: 'c', operator: 'In', values: ['d', 'e'] }],
      }),
    ).toBe('a=b,c in (d,e)');
  });
});

describe('cronjob rows', () => {
  const hello = {
    metadata: { name: 'hello', creationTimestamp: '2026-01-01T00:08:45Z' },
    spec: {
      schedule: '*/1 * * * *',
      jobTemplate: {
        spec: { template: { spec: { containers: [{ name: 'hello', image: 'busybox:1.28' }] } } },
      },
    },
  };

  it("matches the Kubernetes docs' `kubectl get cronjob hello` byte for byte", () => {
    // kubernetes.io, "Running Automated Tasks with a CronJob".
    const rows = [
      CRONJOB_HEADER,
      cronJobRow(hello, { lastScheduleTime: '2026-01-01T00:09:10Z' }, false, now),
    ];
    expect(formatKubectlTable(rows)).toBe(
      'NAME    SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE\n' +
        'hello   */1 * * * *   <none>     False     0        50s             75s\n',
    );
  });

  it('shows the zone, suspend, the active Jobs and the wide columns', () => {
    const zoned = {
      ...hello,
      spec: { ...hello.spec, timeZone: 'Europe/Berlin', suspend: true },
    };
    const status = { active: [{ name: 'hello-1' }, { name: 'hello-2' }] };
    expect(cronJobRow(zoned, status, true, now)).toEqual([
      'hello',
      '*/1 * * * *',
      'Europe/Berlin',
      'True',
      '2',
      '<none>',
      '75s',
      'hello',
      'busybox:1.28',
      '<none>',
    ]);
  });
});

// kubectl's documented tables for the nginx-deployment of the Deployments concept page
// (kubernetes.io/docs/concepts/workloads/controllers/deployment), byte for byte.
describe('deployment and replicaset rows', () => {
  const template = {
    metadata: { labels: { app: 'nginx' } },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1.14.2' }] },
  };
  const deployment = {
    metadata: { name: 'nginx-deployment', creationTimestamp: '2026-01-01T00:09:42Z' },
    spec: { replicas: 3, selector: { matchLabels: { app: 'nginx' } }, template },
  };
  const numbers = { replicas: 3, ready: 3, updated: 3, available: 3 };
  const replicaSet = {
    metadata: { name: 'nginx-deployment-75675f5897', creationTimestamp: '2026-01-01T00:09:42Z' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'nginx', 'pod-template-hash': '75675f5897' } },
      template,
    },
  };
  const rsStatus = { replicas: 3, readyReplicas: 3 };

  it('get deployments', () => {
    expect(
      formatKubectlTable([DEPLOYMENT_HEADER, deploymentRow(deployment, numbers, false, now)]),
    ).toBe(
      'NAME               READY   UP-TO-DATE   AVAILABLE   AGE\n' +
        'nginx-deployment   3/3     3            3           18s\n',
    );
  });

  it('get deployments -o wide adds CONTAINERS, IMAGES and SELECTOR', () => {
    expect(
      formatKubectlTable([
        [...DEPLOYMENT_HEADER, ...WIDE_HEADER],
        deploymentRow(deployment, numbers, true, now),
      ]),
    ).toBe(
      'NAME               READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES         SELECTOR\n' +
        'nginx-deployment   3/3     3            3           18s   nginx        nginx:1.14.2   app=nginx\n',
    );
  });

  it('a rollout under way: READY and UP-TO-DATE apart', () => {
    expect(
      deploymentRow(deployment, { replicas: 3, ready: 2, updated: 1, available: 2 }, false, now),
    ).toEqual(['nginx-deployment', '2/3', '1', '2', '18s']);
  });

  it('get rs, and -o wide with the pod-template-hash selector', () => {
    expect(
      formatKubectlTable([REPLICASET_HEADER, replicaSetRow(replicaSet, rsStatus, false, now)]),
    ).toBe(
      'NAME                          DESIRED   CURRENT   READY   AGE\n' +
        'nginx-deployment-75675f5897   3         3         3       18s\n',
    );
    expect(replicaSetRow(replicaSet, rsStatus, true, now).slice(5)).toEqual([
      'nginx',
      'nginx:1.14.2',
      'app=nginx,pod-template-hash=75675f5897',
    ]);
    // A scaled-down old ReplicaSet: 0 desired, nothing current.
    expect(
      replicaSetRow(
        { ...replicaSet, spec: { ...replicaSet.spec, replicas: 0 } },
        { replicas: 0 },
        false,
        now,
      ),
    ).toEqual(['nginx-deployment-75675f5897', '0', '0', '0', '18s']);
  });
});
