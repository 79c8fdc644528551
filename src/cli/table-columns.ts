// The columns kubectl adds around a resource's own (cli-runtime decorateTable):
// NAMESPACE first with -A, the kind in the name with several kinds (`get all`:
// pod/x), one column per -L key (header: the key's last /-segment, upper-cased; a
// missing label an empty cell), and LABELS last with --show-labels.

export interface TableRow {
  cells: string[];
  namespace: string;
  labels?: Readonly<Record<string, string>>;
}

export interface DecorateOptions {
  withNamespace?: boolean;
  /** `pod`, `service`: prefixes the NAME cell (the first) as kind/name. */
  kind?: string;
  labelColumns?: readonly string[];
  showLabels?: boolean;
  noHeaders?: boolean;
}

/** labels.FormatLabels: k=v sorted by key, comma-joined; `<none>` for none. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((key) => `${key}=${labels?.[key]}`).join(',');
}

/** -L's header for a key: `app.kubernetes.io/name` → NAME. */
export function labelColumnHeader(key: string): string {
  return (key.split('/').pop() ?? key).toUpperCase();
}

/** -L a,b -L c (repeatable, comma-separated), as kubectl's string-slice flag reads it. */
export function parseLabelColumns(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(',')).filter((key) => key !== '');
}

/** Header (unless noHeaders) then rows, with the decorations the options ask for. */
export function decorateTable(
  header: readonly string[],
  rows: readonly TableRow[],
  options: DecorateOptions,
): string[][] {
  const labelColumns = options.labelColumns ?? [];
  const head = [
    ...(options.withNamespace ? ['NAMESPACE'] : []),
    ...header,
    ...labelColumns.map(labelColumnHeader),
    ...(options.showLabels ? ['LABELS'] : []),
  ];
  const body = rows.map((row) => {
    const [name = '', ...rest] = row.cells;
    return [
      ...(options.withNamespace ? [row.namespace] : []),
      options.kind ? `${options.kind}/${name}` : name,
      ...rest,
      ...labelColumns.map((key) => row.labels?.[key] ?? ''),
      ...(options.showLabels ? [formatLabels(row.labels)] : []),
    ];
  });
  return options.noHeaders ? body : [head, ...body];
}
