// Shared output helpers: kubectl-style tables, ages, warnings.

import { formatFieldPath } from '../manifest/errors.js';
import type { ManifestWarning } from '../manifest/types.js';
import { stdio } from './stdio.js';

export function printWarnings(warnings: ManifestWarning[]): void {
  for (const warning of warnings) {
    const { file, line, column } = warning.location;
    stdio().err(
      `Warning: ${file}:${line}:${column}: ${formatFieldPath(warning.path)}: ${warning.message}\n`,
    );
  }
}

/** kubectl's AGE: 45s, 3m, 2m30s, 5h, 3d. */
export function formatAge(since: Date, now = new Date()): string {
  const seconds = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return `${minutes}m${seconds % 60 ? `${seconds % 60}s` : ''}`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** Left-aligned columns separated by three spaces, as kubectl prints them. */
export function formatTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, index) =>
          index === row.length - 1 ? cell : cell.padEnd((widths[index] ?? 0) + 3),
        )
        .join(''),
    )
    .join('\n')
    .concat('\n');
}

/** Accept NAME or pod/NAME as kubectl does. */
export function podNameArg(arg: string): string {
  return arg.replace(/^pods?\//, '');
}
