// Plan errors and warnings. The plan stage never stops at the first problem: it
// collects every issue of a pod and throws them together, each with a field path
// relative to the pod object so the manifest layer can point at file:line:col.
import { PodrunError } from '../errors.js';

export type PlanPath = (string | number)[];

export interface PlanIssue {
  /** Field path relative to the pod, e.g. ['spec', 'containers', 0, 'env', 2]. */
  path: PlanPath;
  message: string;
}

/** A pod podrun cannot run as written. Holds every issue found, not just the first. */
export class PlanError extends PodrunError {
  override name = 'PlanError';
  readonly issues: PlanIssue[];
  /** Path of the first issue. */
  readonly path: PlanPath;

  constructor(issues: PlanIssue[]) {
    const first = issues[0] ?? { path: [], message: 'invalid pod' };
    super(
      issues.length <= 1
        ? formatIssue(first)
        : `${issues.length} problems:\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`,
    );
    this.issues = issues.length > 0 ? issues : [first];
    this.path = first.path;
  }
}

/** ['spec', 'containers', 0, 'image'] → "spec.containers[0].image". */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

function formatIssue(issue: PlanIssue): string {
  return issue.path.length > 0 ? `${formatPath(issue.path)}: ${issue.message}` : issue.message;
}

/** Collects errors and warnings while one pod is planned. */
export class Issues {
  readonly errors: PlanIssue[] = [];
  readonly warnings: string[] = [];

  error(path: PlanPath, message: string): void {
    const key = JSON.stringify(path);
    if (this.errors.some((e) => e.message === message && JSON.stringify(e.path) === key)) return;
    this.errors.push({ path, message });
  }

  warn(path: PlanPath, message: string): void {
    const line = `${formatPath(path)}: ${message}`;
    if (!this.warnings.includes(line)) this.warnings.push(line);
  }

  /** Throw every collected error at once, if any. */
  throwIfAny(): void {
    if (this.errors.length > 0) throw new PlanError(this.errors);
  }
}
