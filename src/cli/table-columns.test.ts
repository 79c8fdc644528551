import { describe, expect, it } from 'vitest';
import { formatKubectlTable } from './tab-writer.js';
import {
  decorateTable,
  formatLabels,
  labelColumnHeader,
  parseLabelColumns,
} from './table-columns.js';

// cli-runtime tableprinter_test.go's pod and rows.
const labels = { 'second-label': 'label-value', 'first-label': '12' };
const header = ['NAME', 'READY', 'STATUS', 'RETRIES', 'AGE'];
const row = { cells: ['test1', '1/1', 'podPhase', '5', '20h'], namespace: 'ns1', labels };

describe('decorateTable (cli-runtime decorateTable)', () => {
  it('--show-labels: LABELS last, k=v sorted by key', () => {
    expect(formatKubectlTable(decorateTable(header, [row], { showLabels: true }))).toBe(
      `NAME    READY   STATUS     RETRIES   AGE   LABELS
test1   1/1     podPhase   5         20h   first-label=12,second-label=label-value
`,
    );
  });

  it('-L: one column per key, in the order given', () => {
    expect(
      formatKubectlTable(
        decorateTable(header, [row], { labelColumns: ['first-label', 'second-label'] }),
      ),
    ).toBe(
      `NAME    READY   STATUS     RETRIES   AGE   FIRST-LABEL   SECOND-LABEL
test1   1/1     podPhase   5         20h   12            label-value
`,
    );
  });

  it('a missing -L label is an empty cell; no labels at all is <none>', () => {
    const bare = { cells: ['web', '1/1'], namespace: 'x' };
    expect(
      formatKubectlTable(
        decorateTable(
          ['NAME', 'READY'],
          [bare, { ...bare, cells: ['db', '0/1'], labels: { tier: 'db' } }],
          {
            labelColumns: ['tier'],
            showLabels: true,
          },
        ),
      ),
    ).toBe(
      'NAME   READY   TIER   LABELS\nweb    1/1            <none>\ndb     0/1     db     tier=db\n',
    );
  });

  it('-A puts NAMESPACE first; --no-headers drops the header; a kind prefixes the name', () => {
    expect(
      formatKubectlTable(
        decorateTable(header, [row], { withNamespace: true, kind: 'pod', noHeaders: true }),
      ),
    ).toBe('ns1   pod/test1   1/1   podPhase   5     20h\n');
  });

  it('formats label keys and flag values as kubectl', () => {
    expect(labelColumnHeader('app.kubernetes.io/name')).toBe('NAME');
    expect(labelColumnHeader('tier')).toBe('TIER');
    expect(parseLabelColumns(['app,tier', 'x'])).toEqual(['app', 'tier', 'x']);
    expect(formatLabels({})).toBe('<none>');
    expect(formatLabels(undefined)).toBe('<none>');
  });
});
