// Checks report problems against field paths of one object; this collector turns them
// into located issues, keeping errors and warnings apart and dropping exact repeats (a
// value can fail both the schema and a semantic check that says the same thing).
import type { FieldPath, ManifestIssue, SourceLocation } from './types.js';

/** What a check receives: report a problem at a field path of the object being checked. */
export interface Reporter {
  error(path: FieldPath, message: string): void;
  warn(path: FieldPath, message: string): void;
}

export class IssueList {
  readonly errors: ManifestIssue[] = [];
  readonly warnings: ManifestIssue[] = [];
  private readonly seen = new Set<string>();

  add(kind: 'error' | 'warning', issue: ManifestIssue): void {
    const { file, line, column } = issue.location;
    const key = `${kind}\0${file}\0${line}\0${column}\0${issue.path.join('\0')}\0${issue.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    (kind === 'error' ? this.errors : this.warnings).push(issue);
  }

  /** A Reporter for one object, placing each problem with its locator. */
  reporter(locate: (path: FieldPath) => SourceLocation): Reporter {
    return {
      error: (path, message) => this.add('error', { location: locate(path), path, message }),
      warn: (path, message) => this.add('warning', { location: locate(path), path, message }),
    };
  }
}

/** Messages shared by several checks, worded as the API server words them. */
export const say = {
  required: (what = '') => (what ? `Required value: ${what}` : 'Required value'),
  duplicate: (value: unknown) => `Duplicate value: ${JSON.stringify(value)}`,
  notFound: (value: unknown, where = '') =>
    `Not found: ${JSON.stringify(value)}${where ? ` ${where}` : ''}`,
  invalid: (value: unknown, why: string) => `Invalid value: ${JSON.stringify(value)}: ${why}`,
  unsupported: (value: unknown, allowed: readonly string[]) =>
    `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed
      .map((v) => JSON.stringify(v))
      .join(', ')}`,
  forbidden: (why: string) => `Forbidden: ${why}`,
};
