// podrun rollout status|restart|undo|history|pause|resume deployment/NAME: kubectl's
// rollout verbs over the stored Deployment (src/workloads/rollout.ts decides,
// rollout-write.ts stores). `status` polls what `get deploy` reads (numbers
// recomputed from the pods, conditions as the supervisor stored them) and prints
// kubectl's lines; when the rollout fails or times out it names the failing new
// container and prints its last log lines, which kubectl leaves to the user.
import { Writable } from 'node:stream';
import type { DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import { sameTemplate } from '../../controllers/hash.js';
import { streamLogs } from '../../docker/logs.js';
import { podStatus } from '../../pod/status.js';
import { supervisorNamespaceProbes } from '../../supervisor/client.js';
import { ensureSupervisor } from '../../supervisor/launch.js';
import type { DeploymentView } from '../../workloads/read.js';
import { readWorkloads } from '../../workloads/read.js';
import {
  type FailingContainer,
  failingContainer,
  paused,
  restarted,
  revisions,
  rolloutStatus,
  undone,
} from '../../workloads/rollout.js';
import { updateDeployment } from '../../workloads/rollout-write.js';
import { readStoredStatus } from '../../workloads/store.js';
import { formatTable } from '../output.js';
import { parseDuration } from './logs.js';
import { DEPLOYMENT_TYPES } from './workloads.js';

export const ROLLOUT_ACTIONS = ['status', 'restart', 'undo', 'history', 'pause', 'resume'];
/** How many log lines of the failing container `rollout status` prints. */
const LOG_LINES = 10;
const POLL_MS = 500;

export interface RolloutFlags {
  namespace: string;
  timeout?: string;
  watch?: string | boolean;
  toRevision?: string;
}

/** `deployment/x` or `deployment x`: the name; anything but a Deployment is an error. */
export function deploymentNameOf(type: string, name: string | undefined): string {
  const slash = type.indexOf('/');
  const base = (slash >= 0 ? type.slice(0, slash) : type).toLowerCase();
  const named = slash >= 0 ? type.slice(slash + 1) : name;
  if (!DEPLOYMENT_TYPES.includes(base))
    throw new Error(`podrun rolls out deployments, not "${base}" (e.g. deployment/web)`);
  if (!named) throw new Error('specify the deployment, e.g. deployment/web');
  return named;
}

export async function runRollout(
  action: string,
  type: string,
  name: string | undefined,
  flags: RolloutFlags,
): Promise<void> {
  if (!ROLLOUT_ACTIONS.includes(action))
    throw new Error(`unknown rollout action "${action}" (${ROLLOUT_ACTIONS.join(', ')})`);
  const deployment = deploymentNameOf(type, name);
  const ns = flags.namespace;
  const ref = `deployment.apps/${deployment}`;
  switch (action) {
    case 'status':
      return rolloutStatusLoop(ns, deployment, flags);
    case 'history':
      return printHistory(ns, deployment);
    case 'restart':
      await updateDeployment(ns, deployment, (d) => ({
        object: restarted(d, new Date()),
        result: undefined,
      }));
      process.stdout.write(`${ref} restarted\n`);
      break;
    case 'pause':
    case 'resume': {
      const changed = await updateDeployment(ns, deployment, (d) => {
        const object = paused(d, action === 'pause');
        return { object, result: object !== undefined };
      });
      process.stdout.write(
        changed
          ? `${ref} ${action}d\n`
          : `${ref} already ${action === 'pause' ? 'paused' : 'resumed'}\n`,
      );
      break;
    }
    case 'undo': {
      const to = flags.toRevision === undefined ? 0 : Number(flags.toRevision);
      if (!Number.isInteger(to) || to < 0)
        throw new Error('--to-revision must be a whole number, 0 or more');
      const outcome = await updateDeployment(ns, deployment, (d, sets) => {
        const undo = undone(d, sets, to);
        return { object: undo.kind === 'rolled-back' ? undo.deployment : undefined, result: undo };
      });
      process.stdout.write(
        outcome.kind === 'rolled-back'
          ? `${ref} rolled back\n`
          : `${ref} skipped rollback (current template already matches revision ${outcome.revision})\n`,
      );
      break;
    }
  }
  // The supervisor runs the controllers: make sure one is there to roll the change out.
  await ensureSupervisor().catch((error: Error) =>
    process.stderr.write(`Warning: ${error.message}; nothing will roll out\n`),
  );
}

async function findView(namespace: string, name: string) {
  const probes = await supervisorNamespaceProbes(namespace);
  const views = await readWorkloads(namespace, probes);
  const view = views.deployments.find((d) => d.stored.name === name);
  if (!view) throw new Error(`deployments.apps "${name}" not found in namespace ${namespace}`);
  return { view, probes };
}

async function rolloutStatusLoop(namespace: string, name: string, flags: RolloutFlags) {
  // `-w=false` reaches commander as the value "=false".
  const watch = !['false', '=false'].includes(String(flags.watch ?? true));
  const timeoutText = flags.timeout ?? '0s';
  const timeoutMs = timeoutText === '0' ? 0 : parseDuration(timeoutText) * 1000;
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Number.POSITIVE_INFINITY;
  let last: string | undefined;
  for (;;) {
    const { view, probes } = await findView(namespace, name);
    const kept = await readStoredStatus<DeploymentStatus>(view.stored.holderId).catch(
      () => undefined,
    );
    const object = view.stored.object;
    const status = rolloutStatus({
      name,
      generation: object.metadata?.generation ?? 1,
      observedGeneration: kept?.observedGeneration ?? 0,
      conditions: kept?.conditions ?? [],
      replicas: view.numbers.replicas,
      current: view.numbers.current,
      updated: view.numbers.updated,
      available: view.numbers.available,
    });
    if (status.error !== undefined) return fail(status.error, await failureDetail(view, probes));
    if (status.message !== last) {
      process.stdout.write(`${status.message}\n`);
      last = status.message;
    }
    if (status.done || !watch) return;
    if (Date.now() >= deadline)
      return fail('timed out waiting for the condition', await failureDetail(view, probes));
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** kubectl's error line, then why (the failing container and its last log lines); exit 1. */
function fail(message: string, detail: string): void {
  process.stderr.write(`error: ${message}\n${detail}`);
  process.exitCode = 1;
}

/** Why the new pods are not available and the failing one's last log lines (lines), or "". */
async function failureDetail(
  view: DeploymentView,
  probes: Awaited<ReturnType<typeof supervisorNamespaceProbes>>,
): Promise<string> {
  const template = view.stored.object.spec?.template;
  const newRS = view.sets.find((rs) => sameTemplate(rs.object.spec?.template, template));
  if (!newRS) return '';
  const failing = failingContainer(
    newRS.pods
      .filter((record) => !record.terminating)
      .map((record) => ({ name: record.name, status: podStatus(record, probes) })),
  );
  if (!failing) return '';
  const logs = await lastLogLines(failing);
  return `${describeFailure(failing)}\n${logs ? `last log lines of ${failing.container}:\n${logs}\n` : ''}`;
}

function describeFailure(f: FailingContainer): string {
  const exit = f.exitCode === undefined ? '' : `, exit code ${f.exitCode}`;
  return `pod ${f.pod}: container ${f.container}: ${f.reason === 'NotReady' ? 'not Ready' : f.reason} (${f.restarts} restarts${exit})`;
}

async function lastLogLines(f: FailingContainer): Promise<string> {
  for (const id of [f.containerId, f.previousId]) {
    if (!id) continue;
    const chunks: Buffer[] = [];
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    try {
      await streamLogs(id, { tail: LOG_LINES }, out);
    } catch {
      continue;
    }
    const text = Buffer.concat(chunks).toString('utf8').trimEnd();
    if (text)
      return text
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n');
  }
  return '';
}

async function printHistory(namespace: string, name: string): Promise<void> {
  const { view } = await findView(namespace, name);
  const rows = revisions(view.sets.map((rs) => rs.object)).map((r) => [
    String(r.revision),
    r.changeCause ?? '<none>',
  ]);
  process.stdout.write(
    `deployment.apps/${name} \n${formatTable([['REVISION', 'CHANGE-CAUSE'], ...rows])}`,
  );
}
