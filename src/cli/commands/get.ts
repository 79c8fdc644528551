// podrun get pods|svc|endpoints|deploy|rs|ds|jobs|cj|cm|secrets|pvc|ns|all [NAME...] [-n NS | -A] [-l SELECTOR] [--field-selector F]
//   [-o wide|json|yaml|name|jsonpath=T|custom-columns=SPEC|custom-columns-file=F]
//   [--no-headers] [--show-labels] [-L KEY,...] [--sort-by PATH] [-w | --watch-only]
// The layout lives in the pure modules beside (tab-writer, table-columns, sort-by,
// custom-columns, field-selector, pod-watch); this reads each kind and prints, once
// or, with -w, again every second.
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { matchesSelector } from '../../manifest/selector.js';
import { podObject } from '../../pod/pod-object.js';
import { listPodRecords, withDetails } from '../../pod/records.js';
import { podStatus } from '../../pod/status.js';
import { reportsFor, reviveSupervisor } from '../../supervisor/client.js';
import { qualifiedKind, type StoredKind } from '../../workloads/labels.js';
import type { WorkloadViews } from '../../workloads/read.js';
import {
  type CustomColumn,
  customColumnsTable,
  parseCustomColumns,
  parseCustomColumnsFile,
} from '../custom-columns.js';
import {
  checkFields,
  type FieldRequirement,
  METADATA_FIELDS,
  matchesFields,
  POD_FIELDS,
  parseFieldSelector,
  podFields,
} from '../field-selector.js';
import { renderJsonPath } from '../jsonpath.js';
import { podNameArg } from '../output.js';
import { type WatchedRow, watchChanges } from '../pod-watch.js';
import { parseSelector } from '../selector-syntax.js';
import { sortByJsonPath } from '../sort-by.js';
import { stdio } from '../stdio.js';
import { formatGroups, TabWriter } from '../tab-writer.js';
import { decorateTable, parseLabelColumns } from '../table-columns.js';
import { configKindOf, configResource, configViews } from './config-views.js';
import { POD_HEADER, POD_WIDE_HEADER, podRow, restartsCount } from './pod-rows.js';
import {
  ENDPOINTS_TYPES,
  endpointsViews,
  type ListedView,
  SERVICE_TYPES,
  serviceViews,
} from './services.js';
import { namesOf, readListedWorkloads, workloadKindOf, workloadViews } from './workloads.js';

interface GetFlags {
  namespace: string;
  allNamespaces?: boolean;
  selector?: string;
  /** wide, json, yaml, name, jsonpath=TEMPLATE, custom-columns=SPEC, custom-columns-file=FILE. */
  output?: string;
  fieldSelector?: string;
  noHeaders?: boolean;
  showLabels?: boolean;
  labelColumns?: string[];
  sortBy?: string;
  watch?: boolean;
  watchOnly?: boolean;
}

const POD_TYPES = ['pod', 'pods', 'po'];
const WATCH_POLL_MS = 1000;

/**
 * How one kind is read: `read(names, first)` lists it (a watch reads again with no
 * names and filters, so a watched name going away is a row, not an error).
 */
interface KindReader {
  /** The names as given, without a `kind/` prefix. */
  wanted: string[];
  /** The flags the kind prints with (namespaces are cluster-scoped: no -A column). */
  flags: GetFlags;
  read(names: string[], first: boolean): Promise<Group>;
}

function kindReader(type: string, names: string[], flags: GetFlags): KindReader {
  if (SERVICE_TYPES.includes(type) || ENDPOINTS_TYPES.includes(type)) {
    return { wanted: names, flags, read: (wanted) => listedGroup(type, wanted, flags) };
  }
  const kind = workloadKindOf(type);
  if (kind) {
    return {
      wanted: namesOf(type, names),
      flags,
      read: async (wanted) => workloadGroup(kind, wanted, flags, await readListedWorkloads(flags)),
    };
  }
  const configKind = configKindOf(type);
  if (configKind) {
    const scoped = configKind === 'Namespace' ? { ...flags, allNamespaces: false } : flags;
    return {
      wanted: names.map((name) => name.replace(/^[^/]+\//, '')),
      flags: scoped,
      read: async (wanted) => {
        if (flags.selector !== undefined && wanted.length > 0)
          throw new Error('name cannot be provided when a selector is specified');
        const { header, views } = await configViews(configKind, wanted, scoped);
        return {
          kind: configResource(configKind),
          header,
          views: narrow(views, flags, METADATA_FIELDS, metadataFields),
        };
      },
    };
  }
  if (!POD_TYPES.includes(type)) {
    throw new Error(
      `the server doesn't have a resource type "${type}" (podrun gets pods, services, endpoints, deployments, replicasets, daemonsets, jobs, cronjobs, configmaps, secrets, persistentvolumeclaims, namespaces, all)`,
    );
  }
  return {
    wanted: names.map(podNameArg),
    flags,
    // Only the first read revives the supervisor of pods that lost theirs.
    read: (wanted, first) => podGroup(wanted, flags, first),
  };
}

export async function runGet(type: string, names: string[], flags: GetFlags): Promise<void> {
  if (type === 'all') {
    if (flags.watch || flags.watchOnly)
      throw new Error('podrun watches one kind at a time (not all)');
    if (names.length > 0) throw new Error('get all takes no names');
    const read = await readListedWorkloads(flags);
    const groups = [
      await podGroup([], flags),
      await listedGroup('services', [], flags),
      // kubectl's `all` category, in its order (podrun runs no StatefulSet or HPA).
      ...(await Promise.all(
        ALL_WORKLOAD_KINDS.map((kind) => workloadGroup(kind, [], flags, read)),
      )),
    ];
    return printGroups(groups, names, flags, true);
  }
  if (type.includes(',')) {
    // kubectl get pods,svc: each kind's table under its kind/ names, a blank line between.
    if (flags.watch || flags.watchOnly) throw new Error('podrun watches one kind at a time');
    if (names.length > 0) throw new Error(`name the objects as TYPE/NAME, not with "${type}"`);
    const readers = type
      .split(',')
      .filter(Boolean)
      .map((one) => kindReader(one, [], flags));
    const groups = await Promise.all(readers.map((reader) => reader.read([], true)));
    return printGroups(groups, [], flags, true);
  }
  const reader = kindReader(type, names, flags);
  if (flags.watch || flags.watchOnly) return watchKind(reader);
  return printGroups([await reader.read(reader.wanted, true)], reader.wanted, reader.flags);
}

/** One kind's listed objects, ready to print: `get all` prints several. */
interface Group {
  kind: string;
  header: string[];
  views: ListedView[];
}

function fieldRequirements(flags: GetFlags, supported: readonly string[]): FieldRequirement[] {
  if (flags.fieldSelector === undefined) return [];
  const requirements = parseFieldSelector(flags.fieldSelector);
  checkFields(requirements, supported);
  return requirements;
}

/** -l, --field-selector and --sort-by, which every kind takes alike. */
function narrow(
  views: ListedView[],
  flags: GetFlags,
  supported: readonly string[],
  fieldsOf: (view: ListedView) => Record<string, string>,
): ListedView[] {
  const selector = flags.selector === undefined ? undefined : parseSelector(flags.selector);
  const fields = fieldRequirements(flags, supported);
  const kept = views.filter(
    (view) =>
      (!selector || matchesSelector(selector, view.labels)) &&
      matchesFields(fields, fieldsOf(view)),
  );
  return flags.sortBy ? sortByJsonPath(kept, (view) => view.object, flags.sortBy) : kept;
}

const metadataFields = (view: ListedView) => ({
  'metadata.name': view.name,
  'metadata.namespace': view.namespace,
});

const ALL_WORKLOAD_KINDS: readonly StoredKind[] = [
  'DaemonSet',
  'Deployment',
  'ReplicaSet',
  'CronJob',
  'Job',
];

/** One workload kind's objects: `-o name` and `get all` call them deployment.apps/x. */
async function workloadGroup(
  kind: StoredKind,
  names: string[],
  flags: GetFlags,
  read: WorkloadViews,
): Promise<Group> {
  if (flags.selector !== undefined && names.length > 0)
    throw new Error('name cannot be provided when a selector is specified');
  const { header, views } = await workloadViews(kind, names, flags, read);
  return {
    kind: qualifiedKind(kind),
    header,
    views: narrow(views, flags, METADATA_FIELDS, metadataFields),
  };
}

async function listedGroup(type: string, names: string[], flags: GetFlags): Promise<Group> {
  const services = SERVICE_TYPES.includes(type);
  if (flags.selector !== undefined && names.length > 0)
    throw new Error('name cannot be provided when a selector is specified');
  const { header, views } = await (services ? serviceViews : endpointsViews)(names, flags);
  return {
    kind: services ? 'service' : 'endpoints',
    header,
    views: narrow(views, flags, METADATA_FIELDS, metadataFields),
  };
}

async function podViews(names: string[], flags: GetFlags, revive: boolean): Promise<ListedView[]> {
  const wanted = new Set(names.map(podNameArg));
  if (flags.selector !== undefined && wanted.size > 0)
    throw new Error('name cannot be provided when a selector is specified');
  // Parse before reading anything: a bad selector fails at once.
  fieldRequirements(flags, POD_FIELDS);
  if (flags.selector !== undefined) parseSelector(flags.selector);
  const listed = (
    await listPodRecords(flags.allNamespaces ? {} : { namespace: flags.namespace })
  ).filter((record) => wanted.size === 0 || wanted.has(record.name));
  if (revive) await reviveSupervisor(listed);
  const [records, reports] = await Promise.all([
    Promise.all(listed.map(withDetails)),
    reportsFor(flags.allNamespaces ? undefined : flags.namespace),
  ]);
  for (const name of wanted) {
    if (!records.some((record) => record.name === name)) {
      throw new Error(`pods "${name}" not found in namespace ${flags.namespace}`);
    }
  }
  const wide = flags.output === 'wide';
  const views = records.map((record): ListedView => {
    const probes = reports[`${record.namespace}/${record.name}`]?.probes;
    const status = podStatus(record, probes);
    const ports = (record.sandbox?.Ports ?? [])
      .filter((port) => port.PublicPort)
      .map(
        (port) =>
          // 0.0.0.0 and :: are the same "every address" binding, listed once.
          `${port.IP && port.IP !== '0.0.0.0' && port.IP !== '::' ? `${port.IP}:` : ''}${port.PublicPort}->${port.PrivatePort}/${port.Type}`,
      );
    return {
      namespace: record.namespace,
      name: record.name,
      labels: record.pod?.metadata?.labels,
      object: podObject(record, probes),
      cells: podRow({ name: record.name, createdAt: record.createdAt, status, ports }, wide),
    };
  });
  return narrow(views, flags, POD_FIELDS, (view) => podFields(view.object as never));
}

async function podGroup(names: string[], flags: GetFlags, revive = true): Promise<Group> {
  const header = [...POD_HEADER, ...(flags.output === 'wide' ? POD_WIDE_HEADER : [])];
  return { kind: 'pod', header, views: await podViews(names, flags, revive) };
}

function customColumnsOf(output: string | undefined): CustomColumn[] | undefined {
  if (output?.startsWith('custom-columns=')) return parseCustomColumns(output.slice(15));
  if (output?.startsWith('custom-columns-file=')) {
    const file = output.slice('custom-columns-file='.length);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`error reading template ${file}, ${(error as Error).message}`);
    }
    return parseCustomColumnsFile(text);
  }
  return undefined;
}

/** The lines of one group as a table: its columns, or the custom ones. */
function groupLines(
  group: Group,
  flags: GetFlags,
  withKind: boolean,
  columns?: CustomColumn[],
): string[][] {
  if (columns)
    return customColumnsTable(
      columns,
      group.views.map((view) => view.object),
      flags.noHeaders,
    );
  return decorateTable(
    group.header,
    group.views.map((view) => ({
      cells: view.cells,
      namespace: view.namespace,
      labels: view.labels,
    })),
    {
      withNamespace: flags.allNamespaces,
      kind: withKind ? group.kind : undefined,
      labelColumns: parseLabelColumns(flags.labelColumns),
      showLabels: flags.showLabels,
      noHeaders: flags.noHeaders,
    },
  );
}

function noneFound(flags: GetFlags): void {
  stdio().err(
    flags.allNamespaces
      ? 'No resources found\n'
      : `No resources found in ${flags.namespace} namespace.\n`,
  );
}

function printGroups(groups: Group[], names: string[], flags: GetFlags, withKind = false): void {
  const views = groups.flatMap((group) => group.views);
  const jsonpath = flags.output?.startsWith('jsonpath=')
    ? flags.output.slice('jsonpath='.length)
    : undefined;
  if (flags.output === 'json' || flags.output === 'yaml' || jsonpath !== undefined) {
    const objects = views.map((view) => view.object);
    const value =
      names.length === 1 ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects };
    // As kubectl: a template's output ends where the template does (no newline added).
    if (jsonpath !== undefined) stdio().out(renderJsonPath(jsonpath, value));
    else
      stdio().out(
        flags.output === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value),
      );
    return;
  }
  if (flags.output === 'name') {
    for (const group of groups)
      for (const view of group.views) stdio().out(`${group.kind}/${view.name}\n`);
    return;
  }
  const columns = customColumnsOf(flags.output);
  if (views.length === 0) {
    noneFound(flags);
    return;
  }
  const tables = groups.map((group) => groupLines(group, flags, withKind, columns));
  stdio().out(formatGroups(tables, flags.noHeaders));
}

/**
 * Columns a watch ignores: they move with the clock alone, which is no change (and
 * RESTARTS is compared without its "(45s ago)").
 */
const CLOCK_COLUMNS = new Set(['AGE', 'DURATION', 'LAST SCHEDULE']);

/** -w: the table, then a row per change, polled, until Ctrl-C (exit 0, as kubectl). */
async function watchKind(reader: KindReader): Promise<void> {
  const { flags, wanted } = reader;
  const columns = customColumnsOf(flags.output);
  if (['json', 'yaml'].includes(flags.output ?? '') || flags.output?.startsWith('jsonpath='))
    throw new Error(
      'podrun watches with the table outputs (default, wide, custom-columns, name) only',
    );
  // -o name: kubectl prints kind/NAME for each event.
  const byName = flags.output === 'name';
  const writer = new TabWriter();
  let printedHeader = false;
  const snapshot = (group: Group): { header: string[]; rows: WatchedRow[] } => {
    const [head = [], ...lines] = groupLines(group, { ...flags, noHeaders: false }, false, columns);
    const clock = group.header.flatMap((name, i) => (CLOCK_COLUMNS.has(name) ? [i] : []));
    const restarts = group.kind === 'pod' ? group.header.indexOf('RESTARTS') : -1;
    const unclocked = (cells: string[]) =>
      cells
        .map((cell, c) => (c === restarts ? restartsCount(cell) : cell))
        .filter((_, c) => !clock.includes(c));
    return {
      header: head,
      rows: group.views.map((view, i) => ({
        key: `${view.namespace}/${view.name}`,
        state: JSON.stringify([unclocked(view.cells), view.labels]),
        cells: byName ? [`${group.kind}/${view.name}`] : (lines[i] ?? []),
      })),
    };
  };
  const print = (head: string[], rows: string[][]) => {
    if (rows.length === 0) return;
    const withHeader = !printedHeader && !flags.noHeaders && !byName;
    printedHeader = true;
    stdio().out(writer.format(withHeader ? [head, ...rows] : rows));
  };
  let stopped = false;
  let wake = () => {};
  const stop = () => {
    stopped = true;
    wake();
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, stop);
  try {
    const first = snapshot(await reader.read(wanted, true));
    if (!flags.watchOnly)
      print(
        first.header,
        first.rows.map((row) => row.cells),
      );
    let previous = new Map(first.rows.map((row) => [row.key, row]));
    while (!stopped) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, WATCH_POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (stopped) break;
      const current = snapshot(await reader.read([], false));
      const rows = current.rows.filter(
        (row) => wanted.length === 0 || wanted.includes(row.key.slice(row.key.indexOf('/') + 1)),
      );
      const changes = watchChanges(previous, rows);
      previous = changes.next;
      print(current.header, changes.rows);
    }
  } finally {
    for (const signal of signals) process.off(signal, stop);
  }
}
