// `delete KIND --all` and `delete KIND -l SELECTOR`, as kubectl picks the objects: every
// object of the namespace (every namespace with -A), or those whose labels match; in
// namespace and name order, and "No resources found" when none is left. One choice
// for pods, workloads and Services alike.
import { matchesSelector } from '../../manifest/selector.js';
import { parseSelector } from '../selector-syntax.js';
import { stdio } from '../stdio.js';

export interface BulkChoice {
  allNamespaces: boolean;
  /** The chosen objects, sorted; says "No resources found" when there are none. */
  pick<T extends Chosen>(objects: readonly T[]): T[];
}

interface Chosen {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
}

export interface BulkFlags {
  all?: boolean;
  selector?: string;
  allNamespaces?: boolean;
}

/**
 * The choice these flags make, or undefined when they name no bulk delete. A name
 * with a selector is kubectl's error; --all with names deletes all, as before.
 */
export function bulkChoice(flags: BulkFlags, names: readonly string[]): BulkChoice | undefined {
  if (!flags.all && flags.selector === undefined) return undefined;
  if (flags.selector !== undefined && names.length > 0)
    throw new Error('name cannot be provided when a selector is specified');
  const selector = flags.selector === undefined ? undefined : parseSelector(flags.selector);
  return {
    allNamespaces: flags.allNamespaces === true,
    pick(objects) {
      const chosen = objects
        .filter((object) => !selector || matchesSelector(selector, object.labels))
        .sort((a, b) =>
          a.namespace === b.namespace
            ? a.name.localeCompare(b.name)
            : a.namespace.localeCompare(b.namespace),
        );
      if (chosen.length === 0) stdio().out('No resources found\n');
      return chosen;
    },
  };
}
