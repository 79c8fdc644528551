import { describe, expect, it } from 'vitest';
import { formatGroups, formatKubectlTable, TabWriter } from './tab-writer.js';

describe('TabWriter (cli-runtime GetNewTabWriter)', () => {
  it('pads to the widest cell plus 3, never the last column', () => {
    // cli-runtime tableprinter_test.go, the ColumnLabels case.
    expect(
      formatKubectlTable([
        ['NAME', 'READY', 'STATUS', 'RETRIES', 'AGE', 'SECOND-LABEL'],
        ['test1', '1/1', 'podPhase', '5', '20h', 'label-value'],
      ]),
    ).toBe(
      'NAME    READY   STATUS     RETRIES   AGE   SECOND-LABEL\ntest1   1/1     podPhase   5         20h   label-value\n',
    );
  });

  it('gives a narrow column the minimum width of 6', () => {
    expect(
      formatKubectlTable([
        ['A', 'B'],
        ['', 'x'],
      ]),
    ).toBe('A     B\n      x\n');
  });

  it('remembers widths across writes, so watch rows line up under the header', () => {
    const writer = new TabWriter();
    expect(
      writer.format([
        ['NAME', 'READY'],
        ['web-1', '1/1'],
      ]),
    ).toBe('NAME    READY\nweb-1   1/1\n');
    expect(writer.format([['a', '0/1']])).toBe('a       0/1\n');
    // A wider cell widens the column from then on.
    expect(writer.format([['a-long-name', '1/1']])).toBe('a-long-name   1/1\n');
    expect(writer.format([['b', '1/1']])).toBe('b             1/1\n');
    writer.reset();
    expect(writer.format([['b', '1/1']])).toBe('b     1/1\n');
  });
});

describe('formatGroups (get all)', () => {
  const pods = [
    ['NAME', 'READY'],
    ['pod/web-1', '1/1'],
  ];
  const services = [
    ['NAME', 'TYPE'],
    ['service/kubernetes', 'ClusterIP'],
  ];
  it('lays each kind out on its own, a blank line between', () => {
    expect(formatGroups([pods, services])).toBe(
      'NAME        READY\npod/web-1   1/1\n\nNAME                 TYPE\nservice/kubernetes   ClusterIP\n',
    );
  });
  it('skips a kind with no rows, and the blank line with --no-headers', () => {
    expect(formatGroups([[['NAME', 'READY']], services])).toBe(
      'NAME                 TYPE\nservice/kubernetes   ClusterIP\n',
    );
    expect(formatGroups([pods.slice(1), services.slice(1)], true)).toBe(
      'pod/web-1   1/1\nservice/kubernetes   ClusterIP\n',
    );
  });
});
