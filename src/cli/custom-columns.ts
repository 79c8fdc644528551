// kubectl's -o custom-columns=HEADER:PATH,... and -o custom-columns-file=FILE
// (kubectl/pkg/cmd/get/customcolumn.go): headers as given, each cell the values the
// path selects, printed as Go's fmt.Sprint prints them and comma-joined, `<none>`
// when there are none.
import { selectJsonPath } from './jsonpath.js';
import { relaxedJsonPath } from './sort-by.js';

export class CustomColumnsError extends Error {
  override name = 'CustomColumnsError';
}

export interface CustomColumn {
  header: string;
  /** `{.a.b}` */
  path: string;
}

export function parseCustomColumns(spec: string): CustomColumn[] {
  if (spec === '')
    throw new CustomColumnsError('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const colon = part.indexOf(':');
    if (colon < 0)
      throw new CustomColumnsError(
        `unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`,
      );
    return { header: part.slice(0, colon), path: relaxedJsonPath(part.slice(colon + 1)) };
  });
}

/** The file: one line of headers, one line of paths, both whitespace-separated. */
export function parseCustomColumnsFile(text: string): CustomColumn[] {
  const [headerLine, specLine] = text.split('\n');
  const hint =
    'Expected format is one line of space separated headers, one line of space separated column specs.';
  if (headerLine === undefined || (headerLine === '' && specLine === undefined))
    throw new CustomColumnsError(`invalid template, missing header line. ${hint}`);
  if (specLine === undefined)
    throw new CustomColumnsError(`invalid template, missing spec line. ${hint}`);
  const words = (line: string) => line.trim().split(/\s+/).filter(Boolean);
  const headers = words(headerLine.replace(/\r$/, ''));
  const specs = words(specLine.replace(/\r$/, ''));
  if (headers.length !== specs.length)
    throw new CustomColumnsError(
      `number of headers (${headers.length}) and field specifications (${specs.length}) don't match`,
    );
  return headers.map((header, i) => ({ header, path: relaxedJsonPath(specs[i]!) }));
}

/** fmt.Sprint of a decoded JSON value (map keys sorted, as Go prints maps). */
export function goSprint(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    // %v of a float64 is %g with the shortest digits: exponent form below 1e-4 and from 1e21.
    const abs = Math.abs(value);
    if (abs < 1e-4 || abs >= 1e21) {
      const [mantissa, exponent = '0'] = value.toExponential().split('e');
      const e = Number(exponent);
      return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
    }
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(goSprint).join(' ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return `map[${entries.map(([k, v]) => `${k}:${goSprint(v)}`).join(' ')}]`;
}

/** One cell: the selected values comma-joined, `<none>` for none. */
export function customColumnCell(column: CustomColumn, object: unknown): string {
  const values = selectJsonPath(column.path, object).filter((value) => value !== undefined);
  if (values.length === 0) return '<none>';
  return values.map(goSprint).join(',');
}

/** Header (unless noHeaders) and one row per object. */
export function customColumnsTable(
  columns: readonly CustomColumn[],
  objects: readonly unknown[],
  noHeaders = false,
): string[][] {
  const rows = objects.map((object) => columns.map((column) => customColumnCell(column, object)));
  return noHeaders ? rows : [columns.map((column) => column.header), ...rows];
}
