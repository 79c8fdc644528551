// Kubernetes resource quantities ("500m", "1.5Gi", "2e3", "128974848"), parsed
// exactly: the value is kept as a fraction of big integers, so "0.1" CPU is exactly
// 100 millicores and "1.5Gi" exactly 1610612736 bytes, with no float drift. Rounding
// follows apimachinery: Value() and MilliValue() round up.
import { PodrunError } from '../errors.js';

/** An exact rational value num/den (den > 0). */
export interface Quantity {
  num: bigint;
  den: bigint;
}

export class QuantityError extends PodrunError {
  override name = 'QuantityError';
}

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};

const DECIMAL_EXPONENT: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const PATTERN = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** Parse a Kubernetes quantity string (or a plain number, as YAML may give one). */
export function parseQuantity(input: string | number): Quantity {
  const text = typeof input === 'number' ? numberToText(input) : input.trim();
  const match = PATTERN.exec(text);
  if (!match) throw new QuantityError(`invalid quantity ${JSON.stringify(String(input))}`);
  const [, sign = '', digits = '', suffix = ''] = match;
  const [whole = '', fraction = ''] = digits.split('.');
  let num = BigInt(`${whole}${fraction}` || '0');
  let den = 10n ** BigInt(fraction.length);
  if (sign === '-') num = -num;

  const binary = BINARY[suffix];
  let exponent = 0;
  if (binary !== undefined) {
    num *= binary;
  } else if (suffix in DECIMAL_EXPONENT) {
    exponent = DECIMAL_EXPONENT[suffix]!;
  } else {
    exponent = Number(suffix.slice(1));
    if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 1000) {
      throw new QuantityError(`invalid quantity ${JSON.stringify(text)}: exponent out of range`);
    }
  }
  if (exponent > 0) num *= 10n ** BigInt(exponent);
  else if (exponent < 0) den *= 10n ** BigInt(-exponent);
  return reduce({ num, den });
}

function numberToText(value: number): string {
  if (!Number.isFinite(value)) throw new QuantityError(`invalid quantity ${value}`);
  // Exponent form from JS ("1e+21") is valid quantity syntax too.
  return String(value);
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

function reduce(q: Quantity): Quantity {
  const divisor = gcd(q.num, q.den);
  return { num: q.num / divisor, den: q.den / divisor };
}

/** ceil(n / d) for d > 0. */
function ceilFraction(num: bigint, den: bigint): bigint {
  if (num >= 0n) return (num + den - 1n) / den;
  return -(-num / den);
}

/** The value rounded up to an integer (apimachinery Quantity.Value()). */
export function quantityValue(q: Quantity): bigint {
  return ceilFraction(q.num, q.den);
}

/** The value in thousandths, rounded up (apimachinery Quantity.MilliValue()). */
export function quantityMilli(q: Quantity): bigint {
  return ceilFraction(q.num * 1000n, q.den);
}

/** ceil(q / divisor), exactly; divisor must be positive. */
export function quantityDivideCeil(q: Quantity, divisor: Quantity): bigint {
  if (divisor.num <= 0n) throw new QuantityError('divisor must be positive');
  return ceilFraction(q.num * divisor.den, q.den * divisor.num);
}

/** A bigint as a JS number, refusing values beyond 2^53. */
export function toSafeNumber(value: bigint, what = 'value'): number {
  const result = Number(value);
  if (!Number.isSafeInteger(result)) throw new QuantityError(`${what} ${value} is too large`);
  return result;
}
