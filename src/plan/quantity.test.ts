import { describe, expect, it } from 'vitest';
import {
  parseQuantity,
  QuantityError,
  quantityDivideCeil,
  quantityMilli,
  quantityValue,
} from './quantity.js';

const value = (text: string | number) => quantityValue(parseQuantity(text));
const milli = (text: string | number) => quantityMilli(parseQuantity(text));

describe('parseQuantity', () => {
  it('reads plain integers and decimals', () => {
    expect(value('0')).toBe(0n);
    expect(value('128974848')).toBe(128974848n);
    expect(milli('1')).toBe(1000n);
    expect(milli('0.1')).toBe(100n);
    expect(milli('.5')).toBe(500n);
    expect(milli('1.')).toBe(1000n);
    expect(milli('+2')).toBe(2000n);
  });

  it('reads decimal SI suffixes', () => {
    expect(milli('500m')).toBe(500n);
    expect(milli('250m')).toBe(250n);
    expect(value('1k')).toBe(1000n);
    expect(value('129M')).toBe(129_000_000n);
    expect(value('1G')).toBe(1_000_000_000n);
    expect(value('2T')).toBe(2_000_000_000_000n);
    expect(value('1P')).toBe(10n ** 15n);
    expect(value('1E')).toBe(10n ** 18n);
    expect(milli('1u')).toBe(1n); // rounds up
    expect(milli('1000000n')).toBe(1n);
  });

  it('reads binary SI suffixes', () => {
    expect(value('1Ki')).toBe(1024n);
    expect(value('123Mi')).toBe(123n * 1024n * 1024n);
    expect(value('1.5Gi')).toBe(1610612736n);
    expect(value('1Ti')).toBe(1024n ** 4n);
    expect(value('1Pi')).toBe(1024n ** 5n);
    expect(value('1Ei')).toBe(1024n ** 6n);
  });

  it('reads decimal exponents', () => {
    expect(value('129e6')).toBe(129_000_000n);
    expect(value('1E3')).toBe(1000n);
    expect(value('12e+1')).toBe(120n);
    expect(milli('1e-3')).toBe(1n);
    expect(milli('25e-2')).toBe(250n);
  });

  it('accepts numbers as YAML may give them', () => {
    expect(milli(2)).toBe(2000n);
    expect(milli(0.5)).toBe(500n);
  });

  it('rounds up as apimachinery Value() and MilliValue() do', () => {
    expect(value('0.1')).toBe(1n);
    expect(value('1.5')).toBe(2n);
    expect(value('100m')).toBe(1n);
    expect(milli('0.0001')).toBe(1n);
    expect(value('-1.5')).toBe(-1n);
  });

  it('is exact where floats drift', () => {
    expect(milli('0.3')).toBe(300n);
    expect(milli('1.001')).toBe(1001n);
    expect(value('0.1Gi')).toBe(107374183n); // 107374182.4 rounded up
  });

  it('rejects invalid quantities', () => {
    for (const bad of ['', 'abc', '1KB', '1K', '1 Gi', '1.2.3', 'Gi', '1e', '1i', '--1', '1mi']) {
      expect(() => parseQuantity(bad), bad).toThrow(QuantityError);
    }
  });

  it('divides with ceiling', () => {
    expect(quantityDivideCeil(parseQuantity('1Gi'), parseQuantity('1Mi'))).toBe(1024n);
    expect(quantityDivideCeil(parseQuantity('1500m'), parseQuantity('1'))).toBe(2n);
    expect(() => quantityDivideCeil(parseQuantity('1'), parseQuantity('0'))).toThrow(QuantityError);
  });
});
