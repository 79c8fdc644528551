// Checks across the objects of one run (all files together), then the verdict: throw
// every error at once, or hand back the set with its warnings.
import { checkConfigRefs, lookupInSet } from './config-refs.js';
import { ManifestError } from './errors.js';
import { type IssueList, say } from './report.js';
import type { ManifestIssue, ManifestObject, ManifestSet } from './types.js';

export function emptyManifestSet(): ManifestSet {
  return {
    pods: [],
    configMaps: [],
    secrets: [],
    persistentVolumeClaims: [],
    services: [],
    namespaces: [],
    workloads: [],
    ignored: [],
    warnings: [],
  };
}

/** How many objects the set holds (0 for `---`, an empty file or only comments). */
export function manifestObjectCount(set: ManifestSet): number {
  return (
    set.pods.length +
    set.configMaps.length +
    set.secrets.length +
    set.persistentVolumeClaims.length +
    set.services.length +
    set.namespaces.length +
    set.workloads.length +
    set.ignored.length
  );
}

/** Runs the cross-object checks; throws ManifestError if any error was found. */
export function completeManifestSet(set: ManifestSet, issues: IssueList): ManifestSet {
  for (const [kind, objects] of [
    ['Pod', set.pods],
    ['ConfigMap', set.configMaps],
    ['Secret', set.secrets],
    ['PersistentVolumeClaim', set.persistentVolumeClaims],
    ['Service', set.services],
    ['Namespace', set.namespaces],
  ] as const) {
    checkUniqueNames(kind, objects, issues);
  }
  for (const objects of [set.workloads, set.ignored]) {
    for (const kind of new Set(objects.map(({ object }) => object.kind))) {
      checkUniqueNames(
        kind,
        objects.filter(({ object }) => object.kind === kind),
        issues,
      );
    }
  }
  for (const issue of checkConfigRefs(set.pods, lookupInSet(set))) issues.add('error', issue);
  if (issues.errors.length > 0) throw new ManifestError(inReadingOrder(issues.errors));
  set.warnings.push(...inReadingOrder(issues.warnings));
  return set;
}

/** Sorted as a reader meets them: files in the order given, then by line and column. */
function inReadingOrder(list: readonly ManifestIssue[]): ManifestIssue[] {
  const fileOrder = new Map<string, number>();
  for (const { location } of list) {
    if (!fileOrder.has(location.file)) fileOrder.set(location.file, fileOrder.size);
  }
  return [...list].sort(
    (a, b) =>
      fileOrder.get(a.location.file)! - fileOrder.get(b.location.file)! ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column,
  );
}

/** Two objects of one kind with one name in one namespace would replace each other. */
function checkUniqueNames(
  kind: string,
  objects: ReadonlyArray<ManifestObject<{ metadata?: { name?: string; namespace?: string } }>>,
  issues: IssueList,
): void {
  const seen = new Set<string>();
  for (const { object, locate } of objects) {
    const { name, namespace } = object.metadata ?? {};
    if (typeof name !== 'string' || name === '') continue;
    const key = `${namespace}/${name}`;
    if (seen.has(key)) {
      const where = namespace === undefined ? '' : ` in namespace "${namespace}"`;
      issues
        .reporter(locate)
        .error(
          ['metadata', 'name'],
          `${say.duplicate(name)}: another ${kind}${where} has this name`,
        );
    }
    seen.add(key);
  }
}
