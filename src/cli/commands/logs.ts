// podrun logs (POD | TYPE/NAME | -l SELECTOR [--max-log-requests N]) [-c C] [--all-containers] [-f] [--tail N] [--since D] [--timestamps] [--previous]
// TYPE/NAME (job/x, deployment/x, ds/x, rs/x): one pod of the object, as kubectl picks it.
// -f keeps following across restarts, and with -l new pods too (logs-follow.ts).
import { matchesSelector } from '../../manifest/selector.js';
import { containerLogs } from '../../pod/container-io.js';
import {
  containerInstance,
  containerNames,
  defaultContainerName,
  hasInstance,
} from '../../pod/containers-of.js';
import { PodNotFoundError } from '../../pod/errors.js';
import { findPodRecord, listPodRecords, type PodRecord, withDetails } from '../../pod/records.js';
import { podStatus } from '../../pod/status.js';
import { qualifiedKind } from '../../workloads/labels.js';
import { workloadPods } from '../../workloads/manage.js';
import { linePrefixer } from '../line-prefix.js';
import { podNameArg } from '../output.js';
import { parseSelector } from '../selector-syntax.js';
import { stdio } from '../stdio.js';
import { followLogs } from './logs-follow.js';
import { workloadKindOf } from './workloads.js';

interface LogsFlags {
  namespace: string;
  container?: string;
  allContainers?: boolean;
  follow?: boolean;
  tail?: number;
  since?: string;
  timestamps?: boolean;
  previous?: boolean;
  prefix?: boolean;
  selector?: string;
  maxLogRequests?: number;
}

/** "5s", "2m", "3h", "1h30m" → seconds. */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`invalid duration "${text}" (use e.g. 10s, 5m, 1h)`);
  }
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 } as const;
  return parts.reduce(
    (sum, [, value, suffix]) => sum + Number(value) * unit[suffix as keyof typeof unit],
    0,
  );
}

/** kubectl's defaults for `logs -l`: the last 10 lines, at most 5 streams followed at once. */
const SELECTOR_TAIL = 10;
const MAX_LOG_REQUESTS = 5;

export async function runLogs(podArg: string | undefined, flags: LogsFlags): Promise<void> {
  if (flags.selector !== undefined) {
    if (podArg !== undefined) throw new Error('only one of a pod name and a selector can be used');
    return runSelectedLogs(flags.selector, flags);
  }
  if (podArg === undefined) throw new Error('name a pod (logs POD) or a selector (logs -l k=v)');
  const kind = podArg.includes('/') ? workloadKindOf(podArg) : undefined;
  if (kind) {
    const name = podArg.slice(podArg.indexOf('/') + 1);
    const pods = await workloadPods(kind, flags.namespace, name);
    if (!pods) throw new Error(`${qualifiedKind(kind).replace('.', 's.')} "${name}" not found`);
    const record = pickPodForLogs(pods);
    if (!record) throw new Error(`no pods found for ${qualifiedKind(kind)}/${name}`);
    await (following(flags) ? followPod(record, flags) : podLogs(record, flags));
    return;
  }
  const name = podNameArg(podArg);
  const record = await findPodRecord(flags.namespace, name);
  if (!record) throw new PodNotFoundError(flags.namespace, name);
  await (following(flags) ? followPod(record, flags) : podLogs(record, flags));
}

/** -f past the current instance: not with --previous, which names one instance. */
const following = (flags: LogsFlags) => flags.follow === true && !flags.previous;

/** The containers of a pod `logs` reads: -c, --all-containers, or the default one. */
function containersToRead(record: PodRecord, flags: LogsFlags): string[] {
  return flags.allContainers
    ? containerNames(record)
    : [flags.container ?? defaultContainerName(record)];
}

function sinceOf(flags: LogsFlags): number | undefined {
  return flags.since ? Date.now() / 1000 - parseDuration(flags.since) : undefined;
}

/**
 * -f on one pod: its restarts too, until it is deleted or finished (Succeeded or
 * Failed: nothing will run in it again) and its last stream is over.
 */
async function followPod(record: PodRecord, flags: LogsFlags): Promise<void> {
  const names = containersToRead(record, flags);
  for (const name of names) containerInstanceCheck(record, name, flags);
  const showPrefix = flags.prefix || names.length > 1;
  await followLogs({
    pods: async () => {
      const current = await findPodRecord(record.namespace, record.name);
      return current && current.uid === record.uid ? [current] : [];
    },
    containers: () => names,
    output: (pod, container) =>
      showPrefix
        ? linePrefixer(stdio().outStream(), `[pod/${pod.name}/${container}] `)
        : stdio().outStream(),
    over: async (pods) => {
      const pod = pods[0];
      if (!pod) return true;
      const phase = podStatus(await withDetails(pod)).phase;
      return phase === 'Succeeded' || phase === 'Failed';
    },
    tail: flags.tail,
    since: sinceOf(flags),
    timestamps: flags.timestamps,
  });
}

/** A container the pod does not have fails at once, in kubectl's words. */
function containerInstanceCheck(record: PodRecord, name: string, flags: LogsFlags): void {
  if (flags.allContainers || hasInstance(record, name)) return;
  containerInstance(record, name);
}

/**
 * The pod kubectl's AttachablePodForObject would take, near enough: one not being
 * deleted over one that is, then the one created first (a Job's first pod, whose
 * logs a finished Job's `logs job/x` shows).
 */
function pickPodForLogs(pods: readonly PodRecord[]): PodRecord | undefined {
  return [...pods].sort(
    (a, b) =>
      Number(a.terminating === true) - Number(b.terminating === true) ||
      a.createdAt.getTime() - b.createdAt.getTime(),
  )[0];
}

/** Every matching pod's logs, one after another (or all at once with -f), as kubectl logs -l. */
async function runSelectedLogs(text: string, flags: LogsFlags): Promise<void> {
  const selector = parseSelector(text);
  const records = (await listPodRecords({ namespace: flags.namespace })).filter(
    (record) => !record.terminating && matchesSelector(selector, record.pod?.metadata?.labels),
  );
  if (records.length === 0) {
    stdio().err(`No resources found in ${flags.namespace} namespace.\n`);
    // -f waits for pods of the selector to come.
    if (!following(flags)) return;
  }
  const max = flags.maxLogRequests ?? MAX_LOG_REQUESTS;
  const first = records[0];
  const streams =
    records.length * (flags.allContainers && first ? containerNames(first).length : 1);
  if (flags.follow && streams > max) {
    throw new Error(
      `you are attempting to follow ${streams} log streams, but maximum allowed concurrency is ${max}, use --max-log-requests to increase the limit`,
    );
  }
  const options = { ...flags, tail: flags.tail ?? SELECTOR_TAIL };
  if (!following(flags)) {
    for (const record of records) await podLogs(record, options);
    return;
  }
  // Until Ctrl-C: pods of the selector created later are followed too.
  await followLogs({
    pods: async () =>
      (await listPodRecords({ namespace: flags.namespace })).filter(
        (record) => !record.terminating && matchesSelector(selector, record.pod?.metadata?.labels),
      ),
    containers: (record) => containersToRead(record, flags),
    output: (record, container) =>
      flags.prefix || containersToRead(record, flags).length > 1
        ? linePrefixer(stdio().outStream(), `[pod/${record.name}/${container}] `)
        : stdio().outStream(),
    over: async () => false,
    tail: options.tail,
    since: sinceOf(flags),
    timestamps: flags.timestamps,
    maxStreams: max,
  });
}

async function podLogs(record: PodRecord, flags: LogsFlags): Promise<void> {
  const names = containersToRead(record, flags);
  const since = sinceOf(flags);
  const showPrefix = flags.prefix || names.length > 1;
  await Promise.all(
    names.map(async (container) => {
      // With --all-containers, one not created yet (an app while init runs) shows nothing.
      if (flags.allContainers && !hasInstance(record, container, flags.previous)) return;
      // Both streams go to stdout, merged in write order, as kubectl prints them; one
      // prefixer per container keeps a line whole even when its stream changes mid-line.
      const prefix = `[pod/${record.name}/${container}] `;
      const out = showPrefix ? linePrefixer(stdio().outStream(), prefix) : stdio().outStream();
      const options = {
        follow: flags.follow,
        tail: flags.tail,
        since,
        timestamps: flags.timestamps,
        previous: flags.previous,
      };
      await containerLogs(record, container, options, out);
      // The prefixer's last, unterminated line is written on finish: wait for it.
      if (showPrefix) await new Promise<void>((resolve) => out.end(resolve));
    }),
  );
}
