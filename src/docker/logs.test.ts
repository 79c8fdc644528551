import { describe, expect, it } from 'vitest';
import { engineTime } from './logs.js';

describe('engineTime', () => {
  it('writes Unix seconds as seconds.nanoseconds with nine digits', () => {
    expect(String(engineTime(1764619128.5))).toBe('1764619128.500000000');
    expect(String(engineTime(12.000001))).toBe('12.000001000');
    expect(String(engineTime(7))).toBe('7.000000000');
    expect(String(engineTime(0))).toBe('0.000000000');
  });

  it('never rounds the fraction up into a tenth digit', () => {
    expect(String(engineTime(3.9999999999))).toBe('3.999999999');
  });
});
