// kubectl's JSONPath templates (k8s.io/client-go/util/jsonpath), for `get -o jsonpath=`
// and `wait --for=jsonpath=`: text with `{...}` expressions. An expression is a path
// (`.a.b`, `['a']`, `[0]`, `[-1]`, `[1:3]`, `[*]`, `..name`, filters
// `[?(@.type=="Ready")]` with == != < > <= >= or a bare `@.x` for "has x"), a quoted
// literal (`{"\n"}`), or `range PATH` ... `end`. As kubectl prints them: several
// results of one expression are joined by a space, strings bare, anything else JSON.

export class JsonPathError extends Error {
  override name = 'JsonPathError';
}

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'recursive'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start?: number; end?: number }
  | { kind: 'all' }
  | { kind: 'filter'; path: Step[]; op?: string; literal?: unknown };

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'path'; steps: Step[] }
  | { kind: 'range'; steps: Step[]; body: Node[] };

/** The pieces of a template: text and `{...}` expressions. */
function segments(template: string): Array<{ text: string } | { expr: string }> {
  const out: Array<{ text: string } | { expr: string }> = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      out.push({ text: template.slice(i) });
      break;
    }
    if (open > i) out.push({ text: template.slice(i, open) });
    // The closing brace, skipping quoted strings (a literal may hold braces).
    let j = open + 1;
    let quote = '';
    for (; j < template.length; j++) {
      const c = template[j];
      if (quote) {
        if (c === '\\') j++;
        else if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '}') break;
    }
    if (j >= template.length) throw new JsonPathError(`unclosed action in "${template}"`);
    out.push({ expr: template.slice(open + 1, j).trim() });
    i = j + 1;
  }
  return out;
}

function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  return body.replace(/\\(.)/g, (_, c: string) =>
    c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c,
  );
}

function parseLiteral(text: string): unknown {
  const t = text.trim();
  if (/^(["']).*\1$/s.test(t)) return unquote(t);
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  throw new JsonPathError(`cannot read the value ${t}`);
}

/** The index of the bracket closing the one at `open`, outside quotes. */
function closingBracket(text: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  throw new JsonPathError(`unclosed [ in "${text}"`);
}

function parseBracket(inner: string, whole: string): Step {
  const body = inner.trim();
  if (body === '*') return { kind: 'all' };
  if (/^(["']).*\1$/.test(body)) return { kind: 'field', name: unquote(body) };
  if (/^-?\d+$/.test(body)) return { kind: 'index', index: Number(body) };
  const slice = /^(-?\d+)?:(-?\d+)?$/.exec(body);
  if (slice)
    return {
      kind: 'slice',
      start: slice[1] === undefined ? undefined : Number(slice[1]),
      end: slice[2] === undefined ? undefined : Number(slice[2]),
    };
  const filter = /^\?\((.*)\)$/s.exec(body);
  if (filter) {
    const condition = filter[1]!.trim();
    const compare = /^@(\S*?)\s*(==|!=|<=|>=|<|>)\s*(.+)$/s.exec(condition);
    if (compare)
      return {
        kind: 'filter',
        path: parsePath(compare[1]!, whole),
        op: compare[2],
        literal: parseLiteral(compare[3]!),
      };
    const has = /^@(\S*)$/.exec(condition);
    if (has) return { kind: 'filter', path: parsePath(has[1]!, whole) };
  }
  throw new JsonPathError(`cannot read [${inner}] in "${whole}"`);
}

function parsePath(text: string, whole = text): Step[] {
  const steps: Step[] = [];
  let i = 0;
  // `$` and `@` name the root (kubectl's `{$.a}` and `{.a}` are the same).
  if (text[0] === '$' || text[0] === '@') i = 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '.' && text[i + 1] === '.') {
      const name = /^[^.[\s]+/.exec(text.slice(i + 2))?.[0] ?? '';
      steps.push(
        name === '*' || name === '' ? { kind: 'recursive', name: '' } : { kind: 'recursive', name },
      );
      i += 2 + name.length;
    } else if (c === '.') {
      // A name runs to the next unescaped `.` or `[`: `{.data.ca\.crt}` is the key "ca.crt".
      const raw = /^(?:\\.|[^.[\s\\])*/.exec(text.slice(i + 1))?.[0] ?? '';
      const name = raw.replace(/\\(.)/g, '$1');
      if (raw === '*') steps.push({ kind: 'all' });
      else if (name !== '') steps.push({ kind: 'field', name });
      i += 1 + raw.length;
    } else if (c === '[') {
      const close = closingBracket(text, i);
      steps.push(parseBracket(text.slice(i + 1, close), whole));
      i = close + 1;
    } else if (/\s/.test(c ?? '')) {
      i++;
    } else {
      throw new JsonPathError(`unexpected "${c}" in "${whole}"`);
    }
  }
  return steps;
}

function parseTemplate(template: string): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  for (const segment of segments(template)) {
    const into = stack[stack.length - 1]!;
    if ('text' in segment) {
      into.push({ kind: 'text', text: segment.text });
      continue;
    }
    const expr = segment.expr;
    if (expr === 'end') {
      if (stack.length === 1) throw new JsonPathError(`"end" without "range" in "${template}"`);
      stack.pop();
    } else if (expr.startsWith('range ')) {
      const node: Node = { kind: 'range', steps: parsePath(expr.slice(6).trim()), body: [] };
      into.push(node);
      stack.push(node.body);
    } else if (/^(["']).*\1$/s.test(expr)) {
      into.push({ kind: 'text', text: unquote(expr) });
    } else {
      into.push({ kind: 'path', steps: parsePath(expr) });
    }
  }
  if (stack.length > 1) throw new JsonPathError(`"range" without "end" in "${template}"`);
  return root;
}

function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') return Object.values(value);
  return [];
}

function descendants(value: unknown): unknown[] {
  const out: unknown[] = [value];
  for (const child of children(value)) out.push(...descendants(child));
  return out;
}

function compare(left: unknown, op: string, right: unknown): boolean {
  switch (op) {
    case '==':
      return left === right || String(left) === String(right);
    case '!=':
      return !(left === right || String(left) === String(right));
    case '<':
      return Number(left) < Number(right);
    case '>':
      return Number(left) > Number(right);
    case '<=':
      return Number(left) <= Number(right);
    default:
      return Number(left) >= Number(right);
  }
}

function applyStep(values: unknown[], step: Step): unknown[] {
  const out: unknown[] = [];
  for (const value of values) {
    switch (step.kind) {
      case 'field':
        if (value && typeof value === 'object' && !Array.isArray(value) && step.name in value)
          out.push((value as Record<string, unknown>)[step.name]);
        break;
      case 'recursive':
        for (const node of descendants(value)) {
          if (step.name === '') out.push(...children(node));
          else if (node && typeof node === 'object' && !Array.isArray(node) && step.name in node)
            out.push((node as Record<string, unknown>)[step.name]);
        }
        break;
      case 'index':
        if (Array.isArray(value)) {
          const at = step.index < 0 ? value.length + step.index : step.index;
          if (at >= 0 && at < value.length) out.push(value[at]);
        }
        break;
      case 'slice':
        if (Array.isArray(value)) out.push(...value.slice(step.start, step.end));
        break;
      case 'all':
        out.push(...children(value));
        break;
      case 'filter':
        for (const item of children(value)) {
          const found = evaluate([item], step.path);
          if (
            step.op === undefined
              ? found.length > 0
              : found.some((f) => compare(f, step.op!, step.literal))
          )
            out.push(item);
        }
        break;
    }
  }
  return out;
}

function evaluate(values: unknown[], steps: Step[]): unknown[] {
  return steps.reduce(applyStep, values);
}

function print(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}

function render(nodes: Node[], data: unknown): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'path') out += evaluate([data], node.steps).map(print).join(' ');
    else for (const item of evaluate([data], node.steps)) out += render(node.body, item);
  }
  return out;
}

/** Render a JSONPath template against `data`, as `kubectl get -o jsonpath=` prints it. */
export function renderJsonPath(template: string, data: unknown): string {
  return render(parseTemplate(template), data);
}

/** The values one `{...}` expression selects (wait --for=jsonpath compares them). */
export function selectJsonPath(expression: string, data: unknown): unknown[] {
  const nodes = parseTemplate(expression);
  const paths = nodes.filter((node) => node.kind === 'path');
  if (nodes.length !== 1 || paths.length !== 1)
    throw new JsonPathError(`"${expression}" must be one {...} path`);
  return evaluate([data], paths[0]!.steps);
}
