// podrun wait (pod/NAME... | pods -l SELECTOR | pods --all | job/NAME...) --for=... [--timeout=30s]
// As kubectl wait: one `pod/x condition met` line per pod as it meets the condition;
// exit 0 once every one has, else `timed out waiting for the condition on pods/x`.
// A pod named for `--for=delete` that does not exist has been deleted; for any other
// condition it is an error, as is a selector that matches no pod. Jobs, DaemonSets,
// Deployments and ReplicaSets (`job/x`, `jobs x`) go to wait-workloads.ts.
import { matchesSelector } from '../../manifest/selector.js';
import { PodNotFoundError } from '../../pod/errors.js';
import { podObject } from '../../pod/pod-object.js';
import { listPodRecords, type PodRecord, withDetails } from '../../pod/records.js';
import { reviveSupervisor, supervisorProbes } from '../../supervisor/client.js';
import { podNameArg } from '../output.js';
import { parseSelector } from '../selector-syntax.js';
import { conditionMet, parseWaitFor } from '../wait-for.js';
import { parseDuration } from './logs.js';
import { waitForWorkloads } from './wait-workloads.js';
import { workloadKindOf } from './workloads.js';

interface WaitFlags {
  for: string;
  namespace: string;
  selector?: string;
  all?: boolean;
  timeout: string;
}

const POLL_MS = 250;
const POD_TYPES = ['pod', 'pods', 'po'];

/** `pod/x pod/y`, `pods x y` or `pods` (with -l or --all): the names asked for. */
function podNames(args: string[]): string[] {
  const [first, ...rest] = args;
  if (first === undefined) throw new Error('you must specify the type of resource to wait for');
  if (POD_TYPES.includes(first)) return rest.map(podNameArg);
  return args.map((arg) => {
    const [type, name] = arg.split('/');
    if (!name || !POD_TYPES.includes(type ?? ''))
      throw new Error(`podrun waits for pods: "${arg}" is not pod/NAME`);
    return name;
  });
}

/** "30s", "5m", "0" (check once), "-1s" (kubectl: a week). */
function timeoutMs(text: string): number {
  if (text === '0') return 0;
  if (text.startsWith('-')) return 7 * 24 * 3600 * 1000;
  return parseDuration(text) * 1000;
}

export async function runWait(args: string[], flags: WaitFlags): Promise<void> {
  const wanted = parseWaitFor(flags.for);
  const kind = workloadKindOf(args[0]);
  if (kind) {
    if (flags.selector !== undefined || flags.all)
      throw new Error('podrun waits for workloads by name (job/NAME), not -l or --all');
    const objects = args.flatMap((arg, i) => {
      const slash = arg.indexOf('/');
      if (slash >= 0) {
        const named = workloadKindOf(arg);
        if (!named) throw new Error(`cannot wait for "${arg}" together with ${args[0]}`);
        return [{ kind: named, name: arg.slice(slash + 1) }];
      }
      return i === 0 ? [] : [{ kind, name: arg }];
    });
    if (objects.length === 0)
      throw new Error('resource(s) were provided, but no name was specified');
    const budget = timeoutMs(flags.timeout);
    return waitForWorkloads(wanted, objects, {
      namespace: flags.namespace,
      deadline: Date.now() + budget,
      once: budget === 0,
    });
  }
  const names = podNames(args);
  const selector = flags.selector === undefined ? undefined : parseSelector(flags.selector);
  if (names.length > 0 && (selector || flags.all))
    throw new Error('name cannot be provided when a selector or --all is specified');
  if (names.length === 0 && !selector && !flags.all)
    throw new Error('resource(s) were provided, but no name was specified');
  const budget = timeoutMs(flags.timeout);
  const deadline = Date.now() + budget;
  const { namespace } = flags;
  const inNamespace = await listPodRecords({ namespace });
  await reviveSupervisor(inNamespace);
  // The pods waited for, each with the uid it had at the start (a delete is met when
  // the pod is gone or replaced by a new one of the same name, as kubectl's).
  const pending = new Map<string, string | undefined>();
  if (names.length > 0) {
    for (const name of names) {
      const record = inNamespace.find((r) => r.name === name);
      if (!record && wanted.kind !== 'delete') throw new PodNotFoundError(namespace, name);
      pending.set(name, record?.uid);
    }
  } else {
    const chosen = inNamespace.filter(
      (record) => !selector || matchesSelector(selector, record.pod?.metadata?.labels),
    );
    if (chosen.length === 0) throw new Error('no matching resources found');
    for (const record of chosen) pending.set(record.name, record.uid);
  }
  const met = async (name: string, record: PodRecord | undefined): Promise<boolean> => {
    if (wanted.kind === 'delete') return !record || record.uid !== pending.get(name);
    if (!record) return false;
    const probes = await supervisorProbes(namespace, name);
    return conditionMet(wanted, podObject(await withDetails(record), probes));
  };
  for (;;) {
    const records = await listPodRecords({ namespace });
    for (const name of [...pending.keys()]) {
      if (
        await met(
          name,
          records.find((r) => r.name === name),
        )
      ) {
        process.stdout.write(`pod/${name} condition met\n`);
        pending.delete(name);
      }
    }
    if (pending.size === 0) return;
    const [first] = pending.keys();
    if (budget === 0) throw new Error(`condition not met for pods/${first}`);
    if (Date.now() >= deadline)
      throw new Error(`timed out waiting for the condition on pods/${first}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, deadline - Date.now())));
  }
}
