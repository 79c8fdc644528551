import { describe, expect, it } from 'vitest';
import {
  checkFields,
  matchesFields,
  POD_FIELDS,
  parseFieldSelector,
  podFields,
} from './field-selector.js';

const running = podFields({
  metadata: { name: 'web-1', namespace: 'shop' },
  status: { phase: 'Running' },
});

describe('--field-selector (apimachinery fields.ParseSelector)', () => {
  it('parses =, == and !=, comma-joined, with escapes', () => {
    expect(parseFieldSelector('status.phase=Running,metadata.name!=web-2')).toEqual([
      { field: 'status.phase', op: '=', value: 'Running' },
      { field: 'metadata.name', op: '!=', value: 'web-2' },
    ]);
    expect(parseFieldSelector('metadata.name==a\\,b')).toEqual([
      { field: 'metadata.name', op: '=', value: 'a,b' },
    ]);
    expect(parseFieldSelector('')).toEqual([]);
    expect(() => parseFieldSelector('status.phase')).toThrow(
      "invalid selector: 'status.phase'; can't understand 'status.phase'",
    );
  });

  it('matches the fields of a pod', () => {
    const match = (text: string) => matchesFields(parseFieldSelector(text), running);
    expect(match('status.phase=Running')).toBe(true);
    expect(match('status.phase==Pending')).toBe(false);
    expect(match('status.phase!=Pending,metadata.name=web-1')).toBe(true);
    expect(match('metadata.namespace=shop,metadata.name=web-2')).toBe(false);
    expect(match('spec.nodeName=')).toBe(true);
  });

  it("refuses a field pods don't answer to, with the server's line", () => {
    expect(() => checkFields(parseFieldSelector('spec.containers=x'), POD_FIELDS)).toThrow(
      'field label not supported: spec.containers',
    );
    expect(() => checkFields(parseFieldSelector('status.phase=Running'), POD_FIELDS)).not.toThrow();
  });
});
