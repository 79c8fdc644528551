// Semantic checks also run with --validate=ignore, when nothing guarantees the shape of
// the data; these accessors let them read it without trusting it.

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `value`, or an empty one when it is anything else. */
export function obj(value: unknown): Obj {
  return isObj(value) ? value : {};
}

/** The items of `value` with their indices, or none when it is not a list. */
export function list(value: unknown): Array<[Obj, number]> {
  if (!Array.isArray(value)) return [];
  return value.map((item, i) => [obj(item), i]);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function int(value: unknown): number | undefined {
  return Number.isSafeInteger(value) ? (value as number) : undefined;
}
