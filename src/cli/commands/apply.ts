// podrun apply -f FILE|DIR|- : validate and plan everything first, then create.
import { stringify } from 'yaml';
import { PodrunError } from '../../errors.js';
import { loadManifests } from '../../manifest/load.js';
import { manifestObjectCount } from '../../manifest/set-checks.js';
import type { ValidationMode } from '../../manifest/types.js';
import { redactCreateOptions } from '../../plan/redact.js';
import type { PodPlan } from '../../plan/types.js';
import { ApplyInterrupted, type ApplyResult } from '../../pod/apply.js';
import { PodEventStore } from '../../pod/event-store.js';
import { interruptLines, planInterrupt, podKey } from '../../pod/interrupt-outcome.js';
import { waitForPod } from '../../pod/wait.js';
import { applyBundle } from '../../services/apply-bundle.js';
import { supervisorNamespaceProbes, supervisorProbes } from '../../supervisor/client.js';
import { ensureSupervisor } from '../../supervisor/launch.js';
import { supervisionScope } from '../../supervisor/paths.js';
import { applyWorkloads, type WorkloadApplyResult } from '../../workloads/apply.js';
import { checkWorkloadTemplates } from '../../workloads/check.js';
import { qualifiedName, type StoredKind } from '../../workloads/labels.js';
import { waitForWorkload } from '../../workloads/manage.js';
import { abortOnSignals } from '../interrupt.js';
import { printWarnings } from '../output.js';
import { parseDuration } from './logs.js';

interface ApplyFlags {
  filename: string[];
  namespace: string;
  validate: ValidationMode;
  dryRun?: boolean;
  pauseImage?: string;
  /** --wait (true) or --wait=TIMEOUT (e.g. 90s, 5m). */
  wait?: boolean | string;
}

export const DEFAULT_WAIT_SECONDS = 300;

export function waitSeconds(wait: boolean | string | undefined): number | undefined {
  if (wait === undefined || wait === false) return undefined;
  if (wait === true) return DEFAULT_WAIT_SECONDS;
  return /^\d+$/.test(wait) ? Number(wait) : parseDuration(wait);
}

/**
 * The plan as the user should read it: Docker create options with secret env values
 * redacted (plan/redact.ts), volume files as path, mode and size only.
 */
export function planForDisplay(plan: PodPlan): object {
  return {
    pod: `${plan.namespace}/${plan.name}`,
    specHash: plan.specHash,
    network: plan.network.create,
    volumes: plan.volumes.map((volume) =>
      'files' in volume
        ? {
            ...volume,
            files: volume.files.map((file) => ({
              path: file.path,
              mode: `0${file.mode.toString(8)}`,
              bytes: Buffer.from(file.contentBase64, 'base64').length,
              ...(file.secret ? { secret: true } : {}),
            })),
          }
        : volume,
    ),
    containers: [plan.sandbox, ...plan.initContainers, ...plan.containers].map((container) => ({
      name: container.name,
      role: container.role,
      create: redactCreateOptions(container),
    })),
    warnings: plan.warnings,
  };
}

export async function runApply(flags: ApplyFlags): Promise<void> {
  // Listen before reading the manifests (stdin may take a while): a Ctrl-C then ends
  // the apply with a message rather than killing it mid-way.
  let reported: ApplyResult[] | undefined;
  const interrupt = abortOnSignals(() =>
    reported ? 'stopping; the pods stay' : 'stopping and removing what this apply created',
  );
  // The first run's events (Created, Started, FailedPostStartHook ...), stored in the
  // pods' event stores; written while this command goes on, flushed before it ends.
  const events = new PodEventStore();
  try {
    const set = await loadManifests(flags.filename, {
      defaultNamespace: flags.namespace,
      validate: flags.validate,
      // Whole bundles: Services, Namespaces, and kinds accepted with one warning each.
      bundle: true,
      // The workload kinds the supervisor runs.
      workloads: true,
    });
    // kubectl: `error: no objects passed to apply`, exit 1 (not a silent success).
    if (manifestObjectCount(set) === 0) throw new Error('no objects passed to apply');
    printWarnings(set.warnings);
    const timeout = waitSeconds(flags.wait);
    // A pod template podrun cannot run fails here, before anything is created.
    if (!flags.dryRun) await checkWorkloadTemplates(set);
    // With --wait, the Services' endpoints are written while the pods are waited for.
    let endpoints: Promise<void> = Promise.resolve();
    const results = await applyBundle(set, {
      endpointsWrite:
        timeout !== undefined
          ? (written) => {
              endpoints = written;
            }
          : undefined,
      onWarning: (line) => process.stderr.write(`${line}\n`),
      probes: supervisorNamespaceProbes,
      dryRun: flags.dryRun,
      pauseImage: flags.pauseImage,
      signal: interrupt.signal,
      onProgress: (line) => process.stderr.write(`${line}\n`),
      // The CLI hands its pods to the background supervisor (restarts, probes,
      // sandbox rebuilds) which outlives this command.
      supervise: supervisionScope(),
      // Synchronous, in the tick the apply decides it is complete: once these lines
      // are out, an interrupt leaves the pods running (and says so).
      report: (done) => {
        printResults(done, flags.dryRun ?? false);
        reported = done;
      },
      events: events.sink,
    });
    // Deployments, ReplicaSets, DaemonSets and Jobs: stored; the supervisor runs their controllers.
    const workloads = (
      await applyWorkloads(set.workloads, { supervise: supervisionScope(), dryRun: flags.dryRun })
    ).results;
    printWorkloadResults(workloads, flags.dryRun ?? false);
    const stored = events.flush();
    // Services need it too: it keeps their endpoints and restarts their proxies.
    const supervised =
      workloads.length > 0 || results.some((r) => r.kind === 'Pod' || r.kind === 'Service');
    if (!flags.dryRun && supervised) {
      await ensureSupervisor().catch((error: Error) =>
        process.stderr.write(`Warning: ${error.message}; pods will not be restarted\n`),
      );
    }
    if (interrupt.signal.aborted) throw interrupt.signal.reason;
    if (timeout !== undefined && !flags.dryRun) {
      const waited = waitForAll(results, timeout, interrupt.signal, workloads);
      await Promise.allSettled([waited, endpoints]);
      await waited;
    }
    await endpoints;
    await stored;
    await events.flush();
    // A signal up to here still ends the command with 130 and says what stays.
    if (interrupt.signal.aborted) throw interrupt.signal.reason;
  } catch (error) {
    if (error instanceof ApplyInterrupted) {
      // applyManifests rolled back what was not reported; its message says what. 130 = SIGINT.
      throw Object.assign(error, { exitCode: interrupt.exitCode() });
    }
    if (interrupt.signal.aborted) {
      throw new PodrunError(keptLines().join('\n'), { exitCode: interrupt.exitCode() });
    }
    throw error;
  } finally {
    await events.flush();
    // A signal after this (the command is done, the process about to exit) still
    // says what stays, instead of a silent death by the signal.
    interrupt.dispose(() => keptLines());
  }

  /** What an interrupt leaves: every reported pod (a dry run made nothing). */
  function keptLines(): string[] {
    const pods = flags.dryRun ? [] : (reported ?? []).filter((result) => result.kind === 'Pod');
    const plan = planInterrupt(
      pods.map((pod) => ({ namespace: pod.namespace, name: pod.name, stage: pod.action })),
      new Set(pods.map(podKey)),
    );
    return interruptLines({ plan });
  }
}

function printResults(results: ApplyResult[], dryRun: boolean): void {
  for (const result of results) {
    if (dryRun && result.plan) {
      process.stdout.write(`---\n${stringify(planForDisplay(result.plan))}`);
      continue;
    }
    for (const warning of result.warnings)
      process.stderr.write(`Warning: ${result.kind.toLowerCase()}/${result.name}: ${warning}\n`);
    const suffix = dryRun ? ' (dry run)' : '';
    process.stdout.write(`${result.kind.toLowerCase()}/${result.name} ${result.action}${suffix}\n`);
    const failure = result.started?.initFailure;
    if (failure) {
      process.stderr.write(
        `Warning: pod/${result.name}: init container ${failure.container} exited with code ${failure.exitCode}; app containers not started\n`,
      );
    }
  }
}

/** --wait: every pod Ready (or Succeeded), else one line per pod saying why not. */
function printWorkloadResults(results: WorkloadApplyResult[], dryRun: boolean): void {
  const suffix = dryRun ? ' (dry run)' : '';
  for (const result of results)
    process.stdout.write(`${qualifiedName(result.kind, result.name)} ${result.action}${suffix}\n`);
}

/** What --wait waits for, by kind; a CronJob has no state to wait for (its Jobs do). */
const WAITED: Readonly<Partial<Record<StoredKind, string>>> = {
  Deployment: 'available',
  ReplicaSet: 'ready',
  DaemonSet: 'ready',
  Job: 'complete',
};

async function waitForAll(
  results: ApplyResult[],
  timeoutSeconds: number,
  signal: AbortSignal,
  workloads: WorkloadApplyResult[] = [],
): Promise<void> {
  // Deployments until rolled out (Available), ReplicaSets until every replica is Ready,
  // DaemonSets until their pod is available, Jobs until Complete (a Failed one fails).
  const rollouts = Promise.allSettled(
    workloads.map(async (w) => {
      const waited = WAITED[w.kind];
      if (!waited) return;
      await waitForWorkload(w.kind, w.namespace, w.name, {
        timeoutMs: timeoutSeconds * 1000,
        signal,
        probes: supervisorNamespaceProbes,
      });
      process.stdout.write(`${qualifiedName(w.kind, w.name)} ${waited}\n`);
    }),
  );
  const pods = results.filter((result) => result.kind === 'Pod');
  const outcomes = await Promise.allSettled(
    pods.map((pod) =>
      waitForPod(pod.namespace, pod.name, {
        timeoutMs: timeoutSeconds * 1000,
        signal,
        probes: supervisorProbes,
      }),
    ),
  );
  const failures: string[] = [];
  for (const [index, outcome] of outcomes.entries()) {
    const pod = pods[index]!;
    if (outcome.status === 'fulfilled') {
      process.stdout.write(
        `pod/${pod.name} ${outcome.value === 'Ready' ? 'ready' : 'succeeded'}\n`,
      );
    } else {
      failures.push((outcome.reason as Error).message);
    }
  }
  for (const outcome of await rollouts)
    if (outcome.status === 'rejected') failures.push((outcome.reason as Error).message);
  if (failures.length > 0) throw new Error(failures.join('\n'));
}
