// kubectl's --sort-by (kubectl/pkg/cmd/get/sorter.go): the first value the JSONPath
// selects in each object; an object without one sorts first; numbers by value,
// strings by bytes unless both parse as quantities (`100m` < `2`, `9` < `10`), arrays
// element by element. Go's sort.Sort with that Less is an insertion sort up to 12
// items, which is what this does for every length (so ties keep their order).
import { JsonPathError, selectJsonPath } from './jsonpath.js';

/** kubectl's RelaxedJSONPathExpression: `a.b`, `.a.b`, `{a.b}`, `{.a.b}` → `{.a.b}`. */
export function relaxedJsonPath(expression: string): string {
  if (expression === '') return expression;
  const match = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/.exec(expression);
  if (!match)
    throw new JsonPathError(
      "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'",
    );
  return `{.${match[1] ?? match[2]}}`;
}

const SUFFIXES: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** resource.ParseQuantity's value, or undefined when the string is not a quantity. */
export function quantityValue(text: string): number | undefined {
  const match =
    /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(
      text,
    );
  if (!match) return undefined;
  const number = Number(match[1]);
  if (match[2]) return number * 10 ** Number(match[2].slice(1));
  return number * (SUFFIXES[match[3] ?? ''] ?? 1);
}

function typeName(value: unknown): string {
  if (value === null) return 'nil';
  if (Array.isArray(value)) return 'slice';
  if (typeof value === 'object') return 'map';
  return typeof value === 'boolean' ? 'bool' : typeof value;
}

/** sorter.go's isLess on two unstructured (JSON) values. */
export function isLess(a: unknown, b: unknown): boolean {
  if (a === null && b === null) return false;
  if (a === null) return true;
  if (b === null) return false;
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  if (typeof a === 'string' && typeof b === 'string') {
    const qa = quantityValue(a);
    const qb = quantityValue(b);
    return qa !== undefined && qb !== undefined ? qa < qb : a < b;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!isLess(a[i], b[i])) return false;
    }
    return true;
  }
  throw new JsonPathError(`unsortable type: ${typeName(a)}`);
}

/** Items ordered by the field of their objects, as `kubectl get --sort-by=FIELD`. */
export function sortByJsonPath<T>(
  items: readonly T[],
  objectOf: (item: T) => unknown,
  field: string,
): T[] {
  const path = relaxedJsonPath(field);
  const keyed = items.map((item) => {
    const values = selectJsonPath(path, objectOf(item)).filter((value) => value !== undefined);
    return { item, found: values.length > 0, value: values[0] };
  });
  if (keyed.length > 0 && !keyed.some((entry) => entry.found))
    throw new JsonPathError(`couldn't find any field with path "${path}" in the list of objects`);
  const less = (a: (typeof keyed)[number], b: (typeof keyed)[number]) => {
    if (!a.found) return true;
    if (!b.found) return false;
    try {
      return isLess(a.value, b.value);
    } catch (error) {
      throw new JsonPathError(`Field ${path} is an unsortable type: ${(error as Error).message}`);
    }
  };
  for (let i = 1; i < keyed.length; i++) {
    for (let j = i; j > 0 && less(keyed[j]!, keyed[j - 1]!); j--) {
      [keyed[j], keyed[j - 1]] = [keyed[j - 1]!, keyed[j]!];
    }
  }
  return keyed.map((entry) => entry.item);
}
