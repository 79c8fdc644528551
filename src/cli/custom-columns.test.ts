import { describe, expect, it } from 'vitest';
import {
  customColumnsTable,
  goSprint,
  parseCustomColumns,
  parseCustomColumnsFile,
} from './custom-columns.js';
import { formatKubectlTable } from './tab-writer.js';

const foo = { apiVersion: 'baz', kind: 'Pod', metadata: { name: 'foo' } };
const table = (spec: string, objects: unknown[], noHeaders = false) =>
  formatKubectlTable(customColumnsTable(parseCustomColumns(spec), objects, noHeaders));

describe('-o custom-columns (kubectl/pkg/cmd/get/customcolumn.go)', () => {
  it("prints kubectl's customcolumn_test.go outputs", () => {
    expect(table('NAME:.metadata.name', [foo])).toBe('NAME\nfoo\n');
    expect(table('NAME:.metadata.name', [foo, { metadata: { name: 'bar' } }])).toBe(
      'NAME\nfoo\nbar\n',
    );
    expect(table('NAME:.metadata.name,API_VERSION:.apiVersion', [foo])).toBe(
      'NAME   API_VERSION\nfoo    baz\n',
    );
    expect(table('NAME:.metadata.name,API_VERSION:.apiVersion,NOT_FOUND:.notFound', [foo])).toBe(
      'NAME   API_VERSION   NOT_FOUND\nfoo    baz           <none>\n',
    );
  });

  it('reads the columns file (customcolumn_test.go TestNewColumnPrinterFromTemplate)', () => {
    expect(
      parseCustomColumnsFile('NAME               API_VERSION\n{.metadata.name}   {.apiVersion}'),
    ).toEqual([
      { header: 'NAME', path: '{.metadata.name}' },
      { header: 'API_VERSION', path: '{.apiVersion}' },
    ]);
    expect(() => parseCustomColumnsFile('')).toThrow('invalid template, missing header line');
    expect(() => parseCustomColumnsFile('NAME API_VERSION')).toThrow(
      'invalid template, missing spec line',
    );
    expect(() => parseCustomColumnsFile('NAME API_VERSION\n{.metadata.name}')).toThrow(
      "number of headers (2) and field specifications (1) don't match",
    );
  });

  it('joins several values with commas and prints them as Go does', () => {
    const pod = {
      metadata: { name: 'web', labels: { tier: 'front', app: 'web' } },
      spec: { containers: [{ name: 'a', ports: [{ containerPort: 80 }] }, { name: 'b' }] },
    };
    expect(
      table(
        'C:.spec.containers[*].name,L:.metadata.labels,P:.spec.containers[0].ports',
        [pod],
        true,
      ),
    ).toBe('a,b   map[app:web tier:front]   [map[containerPort:80]]\n');
    expect(goSprint(true)).toBe('true');
    expect(goSprint(null)).toBe('<nil>');
    expect(goSprint(1.5)).toBe('1.5');
    expect(goSprint(0.00001)).toBe('1e-05');
  });

  it("fails on a spec without a path, as kubectl's one line", () => {
    expect(() => parseCustomColumns('NAME')).toThrow(
      'unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>',
    );
    expect(() => parseCustomColumns('')).toThrow('no custom columns given');
  });
});
