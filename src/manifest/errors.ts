// Every problem is reported as `file:line:col: path: message`, one per line, the way
// compilers do, so editors and terminals can jump to it. All problems of a run are
// collected first and thrown together: fixing a manifest one error per run is slow.

import { PodrunError } from '../errors.js';
import type { FieldPath, ManifestIssue, SourceLocation } from './types.js';

// A segment that reads as a field name is joined with a dot; anything else (a map key
// such as `app.kubernetes.io/name` or `tls.crt`) is bracketed, as kubectl prints it.
const PLAIN_SEGMENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** ['spec', 'containers', 1, 'image'] → `spec.containers[1].image` (kubectl style). */
export function formatFieldPath(path: FieldPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (!PLAIN_SEGMENT.test(segment)) out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** `file:line:col`, or just `file` for a problem with the whole file (line 0). */
export function formatLocation(location: SourceLocation): string {
  if (location.line === 0) return location.file;
  return `${location.file}:${location.line}:${location.column}`;
}

/** One line: `pod.yaml:14:9: spec.containers[1].imagee: unknown field`. */
export function formatIssue(issue: ManifestIssue): string {
  const path = formatFieldPath(issue.path);
  return `${formatLocation(issue.location)}: ${path === '' ? '' : `${path}: `}${issue.message}`;
}

/** Thrown when manifests cannot be used; `.issues` holds every problem found. */
export class ManifestError extends PodrunError {
  readonly issues: readonly ManifestIssue[];

  constructor(issues: readonly ManifestIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ManifestError';
    this.issues = issues;
  }
}
