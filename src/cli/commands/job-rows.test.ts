import { describe, expect, it } from 'vitest';
import { formatKubectlTable } from '../tab-writer.js';
import {
  CRONJOB_HEADER,
  completionsCell,
  cronJobRow,
  daemonSetRow,
  formatLabelSelector,
  jobRow,
} from './job-rows.js';

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
