// Deployments, ReplicaSets, DaemonSets, Jobs and CronJobs (LoadOptions.workloads).
import { describe, expect, it } from 'vitest';
import { matchesSelector } from './selector.js';
import { errorLines, parseOk, STRICT } from './test-helpers.js';
import type { LoadOptions } from './types.js';

const WORKLOADS: LoadOptions = { ...STRICT, bundle: true, workloads: true };
const errors = (text: string) => errorLines(text, WORKLOADS, 'app.yaml');
const parse = (text: string) => parseOk(text, WORKLOADS);

/**
 * A Deployment: `spec:` is line 4, `extra` lines go under spec (2-space indent) before
 * the selector (line 5 + extra lines); the template's container is `app`, its
 * `ports:` come from `ports`.
 */
const deploy = (extra = '', ports = '', kind = 'Deployment') =>
  `apiVersion: apps/v1
kind: ${kind}
metadata: {name: web}
spec:
${extra}  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: nginx
${ports}`;

const job = (extra = '', restart = '      restartPolicy: Never\n') =>
  `apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
${extra}  template:
    spec:
${restart}      containers:
      - name: pi
        image: busybox
`;

describe('workload kinds', () => {
  it('are rejected as today unless the caller reads workloads', () => {
    const lines = errorLines(deploy(), { ...STRICT, bundle: true }, 'app.yaml');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^app\.yaml:1:1: apiVersion: Unsupported value: "apps\/v1": supported values: "v1"/,
    );
    expect(lines[1]).toMatch(/^app\.yaml:2:1: kind: Unsupported value: "Deployment": supported/);
    expect(lines[1]?.split('supported values:')[1]).not.toContain('Deployment');
    expect(errorLines(job(), STRICT, 'app.yaml')[1]).toBe(
      'app.yaml:2:1: kind: Unsupported value: "Job": supported values: "Pod", "ConfigMap", "Secret", "PersistentVolumeClaim"',
    );
  });

  it('parse into `workloads` with the namespace defaulted', () => {
    const set = parse(
      `${deploy()}---\n${deploy('', '', 'ReplicaSet')}---\n${job()}---\n${deploy('', '', 'DaemonSet')}`,
    );
    expect(set.workloads.map(({ object }) => object.kind)).toEqual([
      'Deployment',
      'ReplicaSet',
      'Job',
      'DaemonSet',
    ]);
    expect(set.workloads[0]?.object.metadata?.namespace).toBe('default');
    expect(set.pods).toEqual([]);
    expect(set.warnings).toEqual([]);
  });

  it('a Job takes apiVersion batch/v1 only', () => {
    expect(errors(job().replace('batch/v1', 'apps/v1'))).toEqual([
      'app.yaml:1:1: apiVersion: Unsupported value: "apps/v1": supported values: "batch/v1"',
    ]);
  });

  it('unknown fields are errors under strict validation, at their line', () => {
    expect(errors(deploy('  replicaz: 3\n'))).toEqual([
      'app.yaml:5:3: spec.replicaz: unknown field (did you mean "replicas"?)',
    ]);
    expect(errors(deploy('', '        portz: []\n'))).toEqual([
      'app.yaml:14:9: spec.template.spec.containers[0].portz: unknown field (did you mean "ports"?)',
    ]);
  });

  it('two Deployments of one name in one namespace collide', () => {
    expect(errors(`${deploy()}---\n${deploy()}`)).toEqual([
      'app.yaml:17:12: metadata.name: Duplicate value: "web": another Deployment in namespace "default" has this name',
    ]);
    // A Deployment and a Job may share a name.
    expect(
      parse(`${deploy()}---\n${job().replace('name: pi', 'name: web')}`).workloads,
    ).toHaveLength(2);
  });
});

describe('selector', () => {
  it('is required', () => {
    const text = deploy().replace('  selector:\n    matchLabels: {app: web}\n', '');
    expect(errors(text)).toEqual(['app.yaml:4:1: spec.selector: Required value']);
  });

  it('must match the template labels, as the API server says', () => {
    expect(errors(deploy().replace('labels: {app: web}', 'labels: {app: api}'))).toEqual([
      'app.yaml:9:7: spec.template.metadata.labels: Invalid value: {"app":"api"}: `selector` does not match template `labels`',
    ]);
  });

  it('matchExpressions take part in the match', () => {
    const exprs = (expression: string) =>
      deploy().replace(
        '    matchLabels: {app: web}\n',
        `    matchLabels: {app: web}\n    matchExpressions:\n    - ${expression}\n`,
      );
    expect(errors(exprs('{key: tier, operator: Exists}'))).toEqual([
      'app.yaml:11:7: spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
    ]);
    expect(parse(exprs('{key: tier, operator: DoesNotExist}')).workloads).toHaveLength(1);
    expect(errors(exprs('{key: app, operator: In}'))).toEqual([
      "app.yaml:8:7: spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'app.yaml:11:7: spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
    ]);
  });

  it('may not be empty', () => {
    expect(errors(deploy().replace('matchLabels: {app: web}', 'matchLabels: {}'))).toEqual([
      'app.yaml:5:3: spec.selector: Invalid value: {"matchLabels":{}}: empty selector is invalid for deployment',
    ]);
  });

  it('matches as LabelSelectorAsSelector does', () => {
    const selector = {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
      ],
    };
    expect(matchesSelector(selector, { app: 'web', tier: 'a' })).toBe(true);
    expect(matchesSelector(selector, { app: 'web', tier: 'a', env: 'dev' })).toBe(true);
    expect(matchesSelector(selector, { app: 'web', tier: 'c' })).toBe(false);
    expect(matchesSelector(selector, { app: 'web', tier: 'a', canary: '' })).toBe(false);
    expect(matchesSelector(selector, { app: 'web', tier: 'a', env: 'prod' })).toBe(false);
    expect(matchesSelector(selector, { tier: 'a' })).toBe(false);
  });

  it("a Job's selector is generated unless manualSelector", () => {
    expect(errors(job('  selector: {matchLabels: {a: b}}\n'))).toEqual([
      'app.yaml:5:3: spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` will be auto-generated',
    ]);
    expect(errors(job('  manualSelector: true\n'))).toEqual([
      'app.yaml:4:1: spec.selector: Required value',
    ]);
  });
});

describe('Deployment spec', () => {
  it('replicas, minReadySeconds, revisionHistoryLimit >= 0', () => {
    expect(
      errors(deploy('  replicas: -1\n  minReadySeconds: -2\n  revisionHistoryLimit: -3\n')),
    ).toEqual([
      'app.yaml:5:3: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'app.yaml:6:3: spec.minReadySeconds: Invalid value: -2: must be greater than or equal to 0',
      'app.yaml:7:3: spec.revisionHistoryLimit: Invalid value: -3: must be greater than or equal to 0',
    ]);
    expect(parse(deploy('  replicas: 0\n')).workloads).toHaveLength(1);
  });

  it('progressDeadlineSeconds must exceed minReadySeconds', () => {
    expect(errors(deploy('  minReadySeconds: 10\n  progressDeadlineSeconds: 10\n'))).toEqual([
      'app.yaml:6:3: spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds',
    ]);
  });

  it('strategy type is RollingUpdate or Recreate', () => {
    expect(errors(deploy('  strategy: {type: BlueGreen}\n'))).toEqual([
      'app.yaml:5:14: spec.strategy.type: Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"',
    ]);
  });

  it('Recreate may not have rollingUpdate', () => {
    expect(
      errors(deploy('  strategy:\n    type: Recreate\n    rollingUpdate: {maxSurge: 1}\n')),
    ).toEqual([
      "app.yaml:7:5: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    ]);
  });

  it('maxSurge and maxUnavailable: int or percent, >= 0, not both 0, unavailable <= 100%', () => {
    const rolling = (fields: string) =>
      errors(deploy(`  strategy:\n    type: RollingUpdate\n    rollingUpdate: {${fields}}\n`));
    expect(rolling('maxSurge: 0, maxUnavailable: 0')).toEqual([
      'app.yaml:7:34: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
    ]);
    expect(rolling('maxSurge: "0%", maxUnavailable: "0%"')).toEqual([
      'app.yaml:7:37: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0',
    ]);
    // maxUnavailable left unset is 25%.
    expect(rolling('maxSurge: 0')).toEqual([]);
    expect(rolling('maxSurge: half')).toEqual([
      `app.yaml:7:21: spec.strategy.rollingUpdate.maxSurge: Invalid value: "half": must be an integer or percentage (e.g '5%')`,
    ]);
    expect(rolling('maxSurge: -1')).toEqual([
      'app.yaml:7:21: spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0',
    ]);
    expect(rolling('maxUnavailable: "150%"')).toEqual([
      'app.yaml:7:21: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
    ]);
    expect(rolling('maxSurge: "50%", maxUnavailable: 2')).toEqual([]);
  });

  it('the template restartPolicy must be Always', () => {
    const text = deploy().replace(
      '      containers:',
      '      restartPolicy: OnFailure\n      containers:',
    );
    expect(errors(text)).toEqual([
      'app.yaml:11:7: spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    ]);
  });

  it('the template goes through the Pod checks, with its paths', () => {
    const text = deploy('', '        ports:\n        - containerPort: 70000\n').replace(
      'image: nginx',
      'image: ""',
    );
    expect(errors(text)).toEqual([
      'app.yaml:13:9: spec.template.spec.containers[0].image: Required value',
      'app.yaml:15:11: spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ]);
  });

  it('fields podrun does not implement in the template get the Pod warnings', () => {
    const set = parse(
      deploy().replace('      containers:', '      priorityClassName: high\n      containers:'),
    );
    expect(set.warnings.map((w) => [w.location.line, w.path.join('.'), w.message])).toEqual([
      [11, 'spec.template.spec.priorityClassName', 'not supported by podrun; ignored'],
    ]);
  });
});

describe('hostPort with several pods', () => {
  const HOST_PORT = '        ports:\n        - {containerPort: 80, hostPort: 8080}\n';

  it('is an error at the hostPort, suggesting a LoadBalancer Service', () => {
    expect(errors(deploy('  replicas: 3\n', HOST_PORT))).toEqual([
      'app.yaml:16:31: spec.template.spec.containers[0].ports[0].hostPort: Invalid value: 8080: 3 pods of this Deployment (spec.replicas) cannot all bind host port 8080 on one engine; remove hostPort and publish the port with a Service of type LoadBalancer',
    ]);
    expect(errors(deploy('  replicas: 2\n', HOST_PORT, 'ReplicaSet'))[0]).toMatch(
      /^app\.yaml:16:31: .*2 pods of this ReplicaSet/,
    );
  });

  it('is fine with one replica, and on a DaemonSet (one node)', () => {
    expect(errors(deploy('', HOST_PORT))).toEqual([]);
    expect(errors(deploy('  replicas: 1\n', HOST_PORT))).toEqual([]);
    expect(errors(deploy('', HOST_PORT, 'DaemonSet'))).toEqual([]);
  });

  it('a Job running pods in parallel cannot share one either', () => {
    const text = job('  parallelism: 2\n  completions: 4\n').replace(
      '        image: busybox\n',
      `        image: busybox\n${HOST_PORT}`,
    );
    expect(errors(text)).toEqual([
      'app.yaml:14:31: spec.template.spec.containers[0].ports[0].hostPort: Invalid value: 8080: 2 pods of this Job (spec.parallelism) cannot all bind host port 8080 on one engine; remove hostPort and publish the port with a Service of type LoadBalancer',
    ]);
    expect(errors(text.replace('completions: 4', 'completions: 1'))).toEqual([]);
  });
});

describe('DaemonSet spec', () => {
  it('updateStrategy RollingUpdate or OnDelete; maxUnavailable defaults to 1', () => {
    const ds = (extra: string) => errors(deploy(extra, '', 'DaemonSet'));
    expect(ds('  updateStrategy: {type: Recreate}\n')).toEqual([
      'app.yaml:5:20: spec.updateStrategy.type: Unsupported value: "Recreate": supported values: "OnDelete", "RollingUpdate"',
    ]);
    expect(ds('  updateStrategy: {rollingUpdate: {maxUnavailable: 0}}\n')).toEqual([
      'app.yaml:5:36: spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0 when maxSurge is 0',
    ]);
    expect(ds('  updateStrategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}\n')).toEqual([]);
  });
});

describe('Job spec', () => {
  it('a minimal Job parses', () => {
    const [entry] = parse(job()).workloads;
    expect(entry?.object.kind).toBe('Job');
  });

  it('restartPolicy OnFailure or Never; unset is Always, which a Job may not have', () => {
    expect(errors(job('', ''))).toEqual([
      'app.yaml:6:5: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ]);
    expect(errors(job('', '      restartPolicy: OnFailure\n'))).toEqual([]);
  });

  it('counts >= 0', () => {
    expect(
      errors(
        job(
          '  completions: -1\n  parallelism: -1\n  backoffLimit: -1\n  activeDeadlineSeconds: -1\n  ttlSecondsAfterFinished: -1\n',
        ),
      ),
    ).toEqual([
      'app.yaml:5:3: spec.completions: Invalid value: -1: must be greater than or equal to 0',
      'app.yaml:6:3: spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
      'app.yaml:7:3: spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
      'app.yaml:8:3: spec.activeDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0',
      'app.yaml:9:3: spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('completionMode NonIndexed or Indexed; Indexed needs completions', () => {
    expect(errors(job('  completionMode: Sharded\n'))).toEqual([
      'app.yaml:5:3: spec.completionMode: Unsupported value: "Sharded": supported values: "Indexed", "NonIndexed"',
    ]);
    expect(errors(job('  completionMode: Indexed\n'))).toEqual([
      'app.yaml:4:1: spec.completions: Required value: when completion mode is Indexed',
    ]);
    expect(errors(job('  completionMode: Indexed\n  completions: 3\n'))).toEqual([]);
  });

  it('fields the Job controller does not implement are warned about, defaults are not', () => {
    const warnings = (extra: string) =>
      parse(job(extra)).warnings.map((w) => `${w.location.line}:${w.path.join('.')}: ${w.message}`);
    expect(warnings('  suspend: true\n  podFailurePolicy: {rules: []}\n')).toEqual([
      '5:spec.suspend: not supported by podrun; ignored',
    ]);
    expect(
      warnings('  backoffLimitPerIndex: 1\n  completionMode: Indexed\n  completions: 2\n'),
    ).toEqual(['5:spec.backoffLimitPerIndex: not supported by podrun; ignored']);
    expect(warnings('  suspend: false\n  completions: 2\n')).toEqual([]);
  });
});

/** A CronJob: `spec:` is line 4, `extra` lines go under spec before the schedule (line 5). */
const cronJob = (extra = '', schedule = "'*/5 * * * *'", jobExtra = '') =>
  `apiVersion: batch/v1
kind: CronJob
metadata: {name: backup}
spec:
${extra}  schedule: ${schedule}
  jobTemplate:
    spec:
${jobExtra}      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: b
            image: busybox
`;

describe('CronJob spec', () => {
  it('a minimal CronJob parses', () => {
    const [entry] = parse(cronJob()).workloads;
    expect(entry?.object.kind).toBe('CronJob');
  });

  it('the schedule must be one the controller can read, said at its line', () => {
    expect(errors(cronJob('', "'61 * * * *'"))).toEqual([
      'app.yaml:5:3: spec.schedule: Invalid value: "61 * * * *": minute: 61 out of range [0, 59]',
    ]);
    expect(errors(cronJob('', "'CRON_TZ=UTC 0 * * * *'"))).toEqual([
      'app.yaml:5:3: spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    ]);
    expect(errors(cronJob('', "'@hourly'"))).toEqual([]);
  });

  it('timeZone is an IANA zone; policies and limits as the API server checks them', () => {
    expect(
      errors(
        cronJob(
          '  timeZone: Mars/Olympus\n  concurrencyPolicy: Sometimes\n  startingDeadlineSeconds: -1\n  successfulJobsHistoryLimit: -1\n',
        ),
      ),
    ).toEqual([
      'app.yaml:5:3: spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
      'app.yaml:6:3: spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
      'app.yaml:7:3: spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0',
      'app.yaml:8:3: spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0',
    ]);
    expect(errors(cronJob('  timeZone: Europe/Berlin\n  concurrencyPolicy: Forbid\n'))).toEqual([]);
  });

  it("the jobTemplate's spec gets the Job checks, with its paths", () => {
    expect(errors(cronJob('', "'@daily'", '      completions: -1\n'))).toEqual([
      'app.yaml:8:7: spec.jobTemplate.spec.completions: Invalid value: -1: must be greater than or equal to 0',
    ]);
    expect(errors(cronJob().replace('restartPolicy: OnFailure', 'restartPolicy: Always'))).toEqual([
      'app.yaml:10:11: spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ]);
  });

  it('a name longer than 52 characters is refused: its Jobs would not fit 63', () => {
    expect(errors(cronJob().replace('name: backup', `name: ${'b'.repeat(53)}`))).toEqual([
      `app.yaml:3:12: metadata.name: Invalid value: "${'b'.repeat(53)}": must be no more than 52 characters`,
    ]);
  });

  it('fields its controller does not implement are warned about', () => {
    const warnings = parse(
      cronJob(
        '',
        "'@daily'",
        '      podFailurePolicy: {rules: [{action: Ignore, onExitCodes: {operator: In, values: [1]}}]}\n',
      ),
    ).warnings;
    expect(warnings.map((w) => `${w.location.line}:${w.path.join('.')}: ${w.message}`)).toEqual([
      '8:spec.jobTemplate.spec.podFailurePolicy: not supported by podrun; ignored',
    ]);
  });
});

describe('the Kubernetes docs examples', () => {
  it('nginx-deployment and the pi Job parse without a warning', () => {
    // controllers/nginx-deployment.yaml and controllers/job.yaml, as the docs print them.
    const set = parse(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
---
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
      restartPolicy: Never
  backoffLimit: 4
`);
    expect(set.workloads.map(({ object }) => `${object.kind}/${object.metadata?.name}`)).toEqual([
      'Deployment/nginx-deployment',
      'Job/pi',
    ]);
    expect(set.warnings).toEqual([]);
  });
});
