// Semantic checks of the workload kinds (apps/v1 Deployment, ReplicaSet, DaemonSet and
// batch/v1 Job and CronJob) beyond their schema, worded as the API server's apps and batch
// validation words them, plus the one limit of one engine: several pods of one
// workload cannot all bind one host port. `spec.template` goes through the Pod's own
// checks (validate-pod.ts), with paths under `spec.template`. They run in every
// --validate mode.
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { cronScheduleError, isKnownTimeZone } from './cron-schedule.js';
import { HANDLED_KINDS, type WorkloadKind } from './kinds.js';
import { type Reporter, say } from './report.js';
import { checkLabelSelector, isEmptySelector, matchesSelector } from './selector.js';
import { int, isObj, list, type Obj, obj, str } from './shape.js';
import { warnUnsupportedPodFields, warnUnsupportedWorkloadFields } from './supported-fields.js';
import type { FieldPath } from './types.js';
import { checkLabels, checkMetadata } from './validate-metadata.js';
import { checkPodSpec } from './validate-pod.js';

export const DEPLOYMENT_STRATEGIES = ['Recreate', 'RollingUpdate'];
export const DAEMONSET_STRATEGIES = ['OnDelete', 'RollingUpdate'];
export const CRONJOB_CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];
// In the schema's order, so a value it already rejected is reported once.
export const JOB_COMPLETION_MODES = ['Indexed', 'NonIndexed'];
const JOB_RESTART_POLICIES = ['OnFailure', 'Never'];
/** The batch validation's cap on parallelism for an Indexed Job. */
const MAX_PARALLELISM_FOR_INDEXED_JOB = 100_000;

const NONNEGATIVE = 'must be greater than or equal to 0';
const PERCENT = /^[0-9]+%$/;

/** A Reporter whose paths are relative to `prefix`. */
export function under(report: Reporter, prefix: FieldPath): Reporter {
  return {
    error: (path, message) => report.error([...prefix, ...path], message),
    warn: (path, message) => report.warn([...prefix, ...path], message),
  };
}

export function checkWorkload(kind: WorkloadKind, object: unknown, report: Reporter): void {
  checkMetadata(object, report, HANDLED_KINDS[kind].nameError);
  const spec = obj(obj(object).spec);
  if (kind === 'CronJob') checkCronJobSpec(spec, report);
  else checkWorkloadSpec(kind, spec, report);
  warnUnsupportedWorkloadFields(kind, object, report);
}

/** The kinds that own pods themselves (a CronJob owns Jobs). */
type PodOwnerKind = Exclude<WorkloadKind, 'CronJob'>;

/** The spec of a pod owner; the paths `report` gets start at `spec`. */
function checkWorkloadSpec(kind: PodOwnerKind, spec: Obj, report: Reporter): void {
  const nonNegative = (field: string) => {
    const value = int(spec[field]);
    if (value !== undefined && value < 0)
      report.error(['spec', field], say.invalid(value, NONNEGATIVE));
  };

  if (kind === 'Job') checkJobSelector(spec, report);
  else checkSelector(kind, spec, report);
  checkTemplate(kind, spec, report);

  switch (kind) {
    case 'Deployment':
      nonNegative('replicas');
      nonNegative('minReadySeconds');
      nonNegative('revisionHistoryLimit');
      nonNegative('progressDeadlineSeconds');
      checkProgressDeadline(spec, report);
      checkDeploymentStrategy(spec, report);
      break;
    case 'ReplicaSet':
      nonNegative('replicas');
      nonNegative('minReadySeconds');
      break;
    case 'DaemonSet':
      nonNegative('minReadySeconds');
      nonNegative('revisionHistoryLimit');
      checkDaemonSetStrategy(spec, report);
      break;
    case 'Job':
      for (const field of [
        'parallelism',
        'completions',
        'backoffLimit',
        'activeDeadlineSeconds',
        'ttlSecondsAfterFinished',
      ]) {
        nonNegative(field);
      }
      checkCompletionMode(spec, report);
      break;
  }
  checkHostPorts(kind, spec, report);
}

/**
 * A CronJob: its schedule and time zone as the controller will read them, its
 * policies and limits, and its jobTemplate.spec as a Job's spec (paths under
 * `spec.jobTemplate`).
 */
function checkCronJobSpec(spec: Obj, report: Reporter): void {
  const schedule = spec.schedule;
  if (schedule === undefined || schedule === null || schedule === '') {
    report.error(['spec', 'schedule'], say.required());
  } else if (typeof schedule === 'string') {
    if (/\b(CRON_)?TZ=/.test(schedule)) {
      report.error(
        ['spec', 'schedule'],
        say.invalid(schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'),
      );
    } else {
      const problem = cronScheduleError(schedule);
      if (problem) report.error(['spec', 'schedule'], say.invalid(schedule, problem));
    }
  }
  const timeZone = spec.timeZone;
  if (typeof timeZone === 'string' && (timeZone === '' || !isKnownTimeZone(timeZone)))
    report.error(['spec', 'timeZone'], say.invalid(timeZone, `unknown time zone ${timeZone}`));
  const policy = str(spec.concurrencyPolicy) ?? 'Allow';
  if (!CRONJOB_CONCURRENCY_POLICIES.includes(policy))
    report.error(
      ['spec', 'concurrencyPolicy'],
      say.unsupported(policy, CRONJOB_CONCURRENCY_POLICIES),
    );
  for (const field of [
    'startingDeadlineSeconds',
    'successfulJobsHistoryLimit',
    'failedJobsHistoryLimit',
  ]) {
    const value = int(spec[field]);
    if (value !== undefined && value < 0)
      report.error(['spec', field], say.invalid(value, NONNEGATIVE));
  }
  if (!isObj(spec.jobTemplate)) {
    if (spec.jobTemplate === undefined) report.error(['spec', 'jobTemplate'], say.required());
    return;
  }
  const inTemplate = under(report, ['spec', 'jobTemplate']);
  const labels = obj(spec.jobTemplate.metadata).labels;
  if (isObj(labels)) checkLabels(labels, ['metadata', 'labels'], inTemplate);
  checkWorkloadSpec('Job', obj(spec.jobTemplate.spec), inTemplate);
}

/** Deployment, ReplicaSet, DaemonSet: a non-empty selector that selects the template's labels. */
function checkSelector(kind: PodOwnerKind, spec: Obj, report: Reporter): void {
  if (spec.selector === undefined || spec.selector === null) {
    report.error(['spec', 'selector'], say.required());
    return;
  }
  if (!isObj(spec.selector)) return; // the schema reports its type
  checkLabelSelector(spec.selector, ['spec', 'selector'], report);
  const selector = spec.selector as LabelSelector;
  if (isEmptySelector(selector)) {
    report.error(
      ['spec', 'selector'],
      say.invalid(spec.selector, `empty selector is invalid for ${kind.toLowerCase()}`),
    );
    return;
  }
  checkSelectorMatchesTemplate(selector, spec, report);
}

function checkSelectorMatchesTemplate(selector: LabelSelector, spec: Obj, report: Reporter): void {
  const labels = obj(obj(obj(spec.template).metadata).labels) as Record<string, string>;
  if (!matchesSelector(selector, labels)) {
    report.error(
      ['spec', 'template', 'metadata', 'labels'],
      say.invalid(labels, '`selector` does not match template `labels`'),
    );
  }
}

/**
 * A Job's selector is generated (controller-uid) unless `manualSelector: true`; then the
 * selector is required and must match the template, as for the other kinds.
 */
function checkJobSelector(spec: Obj, report: Reporter): void {
  const manual = spec.manualSelector === true;
  if (!manual) {
    if (spec.selector !== undefined && spec.selector !== null) {
      report.error(
        ['spec', 'selector'],
        say.invalid(spec.selector, '`selector` will be auto-generated'),
      );
    }
    return;
  }
  if (!isObj(spec.selector)) {
    if (spec.selector === undefined) report.error(['spec', 'selector'], say.required());
    return;
  }
  checkLabelSelector(spec.selector, ['spec', 'selector'], report);
  checkSelectorMatchesTemplate(spec.selector as LabelSelector, spec, report);
}

/** The Pod checks on `spec.template`, and the restart policy each kind's pods may have. */
function checkTemplate(kind: PodOwnerKind, spec: Obj, report: Reporter): void {
  if (!isObj(spec.template)) {
    if (spec.template === undefined) report.error(['spec', 'template'], say.required());
    return;
  }
  const template = spec.template;
  const at = ['spec', 'template'];
  const inTemplate = under(report, at);
  const metadata = obj(template.metadata);
  if (isObj(metadata.labels)) checkLabels(metadata.labels, ['metadata', 'labels'], inTemplate);
  checkPodSpec(template, inTemplate);
  warnUnsupportedPodFields(template, inTemplate);

  // Defaulted to Always when unset, as the API server defaults a pod template.
  const restartPolicy = str(obj(template.spec).restartPolicy) ?? 'Always';
  const allowed = kind === 'Job' ? JOB_RESTART_POLICIES : ['Always'];
  if (!allowed.includes(restartPolicy)) {
    report.error([...at, 'spec', 'restartPolicy'], say.unsupported(restartPolicy, allowed));
  }
}

function checkProgressDeadline(spec: Obj, report: Reporter): void {
  const deadline = int(spec.progressDeadlineSeconds);
  const minReady = int(spec.minReadySeconds) ?? 0;
  if (deadline !== undefined && deadline >= 0 && deadline <= minReady) {
    report.error(
      ['spec', 'progressDeadlineSeconds'],
      say.invalid(deadline, 'must be greater than minReadySeconds'),
    );
  }
}

function checkDeploymentStrategy(spec: Obj, report: Reporter): void {
  const strategy = obj(spec.strategy);
  const at = ['spec', 'strategy'];
  const type = str(strategy.type) ?? 'RollingUpdate';
  if (!DEPLOYMENT_STRATEGIES.includes(type)) {
    report.error([...at, 'type'], say.unsupported(type, DEPLOYMENT_STRATEGIES));
    return;
  }
  const rolling = strategy.rollingUpdate;
  if (type === 'Recreate') {
    if (rolling !== undefined && rolling !== null) {
      report.error(
        [...at, 'rollingUpdate'],
        say.forbidden("may not be specified when strategy `type` is 'Recreate'"),
      );
    }
    return;
  }
  checkSurgeAndUnavailable(
    obj(rolling),
    [...at, 'rollingUpdate'],
    report,
    'may not be 0 when `maxSurge` is 0',
  );
}

function checkDaemonSetStrategy(spec: Obj, report: Reporter): void {
  const strategy = obj(spec.updateStrategy);
  const at = ['spec', 'updateStrategy'];
  const type = str(strategy.type) ?? 'RollingUpdate';
  if (!DAEMONSET_STRATEGIES.includes(type)) {
    report.error([...at, 'type'], say.unsupported(type, DAEMONSET_STRATEGIES));
    return;
  }
  if (type === 'RollingUpdate') {
    // A DaemonSet's maxSurge defaults to 0 and its maxUnavailable to 1.
    checkSurgeAndUnavailable(
      obj(strategy.rollingUpdate),
      [...at, 'rollingUpdate'],
      report,
      'cannot be 0 when maxSurge is 0',
      { maxSurge: 0, maxUnavailable: 1 },
    );
  }
}

/**
 * maxSurge and maxUnavailable: an integer >= 0 or a percentage, not both 0, and
 * maxUnavailable at most 100%. Unset values take the kind's defaults (25% each for a
 * Deployment).
 */
function checkSurgeAndUnavailable(
  rolling: Obj,
  at: FieldPath,
  report: Reporter,
  bothZero: string,
  defaults: { maxSurge: number | string; maxUnavailable: number | string } = {
    maxSurge: '25%',
    maxUnavailable: '25%',
  },
): void {
  let ok = true;
  for (const field of ['maxUnavailable', 'maxSurge'] as const) {
    const value = rolling[field];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      if (!PERCENT.test(value)) {
        report.error(
          [...at, field],
          say.invalid(value, "must be an integer or percentage (e.g '5%')"),
        );
        ok = false;
      }
    } else if (Number.isSafeInteger(value)) {
      if ((value as number) < 0) {
        report.error([...at, field], say.invalid(value, NONNEGATIVE));
        ok = false;
      }
    } else {
      ok = false; // the schema reports its type
    }
  }
  if (!ok) return;
  const unavailable = rolling.maxUnavailable ?? defaults.maxUnavailable;
  const surge = rolling.maxSurge ?? defaults.maxSurge;
  if (intOrPercentValue(unavailable) === 0 && intOrPercentValue(surge) === 0) {
    report.error([...at, 'maxUnavailable'], say.invalid(unavailable, bothZero));
  }
  if (typeof unavailable === 'string' && intOrPercentValue(unavailable) > 100) {
    report.error(
      [...at, 'maxUnavailable'],
      say.invalid(unavailable, 'must not be greater than 100%'),
    );
  }
}

/** The number an int-or-percent holds: 5 for 5 and for "5%". */
function intOrPercentValue(value: unknown): number {
  if (typeof value === 'number') return value;
  return Number.parseInt(String(value), 10);
}

function checkCompletionMode(spec: Obj, report: Reporter): void {
  const mode = str(spec.completionMode) ?? 'NonIndexed';
  if (!JOB_COMPLETION_MODES.includes(mode)) {
    report.error(['spec', 'completionMode'], say.unsupported(mode, JOB_COMPLETION_MODES));
    return;
  }
  if (mode !== 'Indexed') return;
  if (spec.completions === undefined || spec.completions === null) {
    report.error(['spec', 'completions'], say.required('when completion mode is Indexed'));
  }
  const parallelism = int(spec.parallelism);
  if (parallelism !== undefined && parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB) {
    report.error(
      ['spec', 'parallelism'],
      say.invalid(
        parallelism,
        `must be less than or equal to ${MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed`,
      ),
    );
  }
}

/**
 * How many of the workload's pods may run at once, when more than one: a Deployment's
 * or ReplicaSet's replicas, a Job's parallelism (capped by its completions). A
 * DaemonSet runs one pod on the one node.
 */
function concurrentPods(kind: PodOwnerKind, spec: Obj): { count: number; field: string } {
  switch (kind) {
    case 'Deployment':
    case 'ReplicaSet':
      return { count: int(spec.replicas) ?? 1, field: 'replicas' };
    case 'Job': {
      const parallelism = int(spec.parallelism) ?? 1;
      const completions = int(spec.completions);
      return {
        count: completions === undefined ? parallelism : Math.min(parallelism, completions),
        field: 'parallelism',
      };
    }
    case 'DaemonSet':
      return { count: 1, field: '' };
  }
}

/**
 * One engine is one node: two pods cannot bind one host port (Kubernetes would leave
 * the second Pending; podman fails at run time). Said at the hostPort, with the way out.
 */
function checkHostPorts(kind: PodOwnerKind, spec: Obj, report: Reporter): void {
  const { count, field } = concurrentPods(kind, spec);
  if (count <= 1) return;
  const podSpec = obj(obj(spec.template).spec);
  for (const containers of ['initContainers', 'containers'] as const) {
    for (const [container, i] of list(podSpec[containers])) {
      for (const [port, j] of list(container.ports)) {
        const hostPort = int(port.hostPort);
        if (hostPort === undefined || hostPort === 0) continue;
        report.error(
          ['spec', 'template', 'spec', containers, i, 'ports', j, 'hostPort'],
          say.invalid(
            hostPort,
            `${count} pods of this ${kind} (spec.${field}) cannot all bind host port ${hostPort} on one engine; remove hostPort and publish the port with a Service of type LoadBalancer`,
          ),
        );
      }
    }
  }
}
