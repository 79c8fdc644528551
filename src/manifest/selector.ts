// metav1.LabelSelector: its checks, worded as the API server's ValidateLabelSelector,
// and matching it against labels (labels.SelectorFromSet / LabelSelectorAsSelector),
// shared by the workload validation and the controllers that find their pods.
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { type Reporter, say } from './report.js';
import { isObj, list, str } from './shape.js';
import type { FieldPath } from './types.js';
import { checkLabels } from './validate-metadata.js';

export const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** Checks a LabelSelector at `at`; the schema has already checked its shape (unless ignored). */
export function checkLabelSelector(selector: unknown, at: FieldPath, report: Reporter): void {
  if (!isObj(selector)) return;
  if (isObj(selector.matchLabels))
    checkLabels(selector.matchLabels, [...at, 'matchLabels'], report);
  for (const [requirement, i] of list(selector.matchExpressions)) {
    const here = [...at, 'matchExpressions', i];
    const operator = str(requirement.operator);
    const values = Array.isArray(requirement.values) ? requirement.values : [];
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0) {
        report.error(
          [...here, 'values'],
          say.required("must be specified when `operator` is 'In' or 'NotIn'"),
        );
      }
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length > 0) {
        report.error(
          [...here, 'values'],
          say.forbidden("may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        );
      }
    } else if (operator !== undefined) {
      report.error([...here, 'operator'], say.unsupported(operator, SELECTOR_OPERATORS));
    }
    const key = str(requirement.key);
    if (key !== undefined) checkLabels({ [key]: '' }, [...here, 'key'], report);
  }
}

/** Whether the selector selects nothing-in-particular (no labels, no expressions). */
export function isEmptySelector(selector: LabelSelector | undefined): boolean {
  return (
    Object.keys(selector?.matchLabels ?? {}).length === 0 &&
    (selector?.matchExpressions ?? []).length === 0
  );
}

/**
 * Whether `labels` match `selector`, as the API's LabelSelectorAsSelector: every
 * matchLabels pair and every expression must hold. An empty selector matches
 * everything (the workload validation rejects it before it gets here).
 */
export function matchesSelector(
  selector: LabelSelector | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    const present = Object.hasOwn(have, key);
    switch (operator) {
      case 'In':
        if (!present || !values.includes(have[key]!)) return false;
        break;
      case 'NotIn':
        if (present && values.includes(have[key]!)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
