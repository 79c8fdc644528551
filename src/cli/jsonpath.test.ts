// The examples of kubectl's JSONPath reference page, against its sample List.
import { describe, expect, it } from 'vitest';
import { JsonPathError, renderJsonPath, selectJsonPath } from './jsonpath.js';

const SAMPLE = {
  kind: 'List',
  items: [
    {
      kind: 'None',
      metadata: { name: '127.0.0.1', labels: { 'kubernetes.io/hostname': '127.0.0.1' } },
      status: {
        capacity: { cpu: '4' },
        addresses: [{ type: 'LegacyHostIP', address: '127.0.0.1' }],
      },
    },
    {
      kind: 'None',
      metadata: { name: '127.0.0.2' },
      status: {
        capacity: { cpu: '8' },
        addresses: [
          { type: 'LegacyHostIP', address: '127.0.0.2' },
          { type: 'another', address: '127.0.0.3' },
        ],
      },
    },
  ],
  users: [
    { name: 'myself', user: {} },
    { name: 'e2e', user: { username: 'admin', password: 'secret' } },
  ],
};

describe('renderJsonPath', () => {
  it.each([
    ['{.kind}', 'List'],
    ["{['kind']}", 'List'],
    ['{$.kind}', 'List'],
    ['{.items[*].metadata.name}', '127.0.0.1 127.0.0.2'],
    ['{.items[0].metadata.name}', '127.0.0.1'],
    ['{.items[-1:].metadata.name}', '127.0.0.2'],
    ['{.items[0:1].status.capacity.cpu}', '4'],
    ['{.users[?(@.name=="e2e")].user.password}', 'secret'],
    ['{.items[*].status.addresses[?(@.type!="another")].address}', '127.0.0.1 127.0.0.2'],
    ['{.items[?(@.status.capacity.cpu>4)].metadata.name}', '127.0.0.2'],
    ['{.users[?(@.user.password)].name}', 'e2e'],
    ["{.items[0].metadata.labels['kubernetes\\.io/hostname']}", '127.0.0.1'],
    ['{..capacity.cpu}', '4 8'],
    ['{.items[0].status.capacity}', '{"cpu":"4"}'],
    [
      '{range .items[*]}[{.metadata.name}, {.status.capacity.cpu}] {end}',
      '[127.0.0.1, 4] [127.0.0.2, 8] ',
    ],
    ['{range .items[*]}{.metadata.name}{"\\n"}{end}', '127.0.0.1\n127.0.0.2\n'],
    ["{'{'}{.kind}{'}'}", '{List}'],
    ['kind is {.kind}.', 'kind is List.'],
    ['{.missing}', ''],
  ])('%s', (template, want) => {
    expect(renderJsonPath(template, SAMPLE)).toBe(want);
  });

  it.each([['{.kind'], ['{range .items[*]}{.kind}'], ['{end}'], ['{.items[}'], ['{.a b}']])(
    'rejects %s',
    (template) => {
      expect(() => renderJsonPath(template, SAMPLE)).toThrow(JsonPathError);
    },
  );
});

describe('selectJsonPath', () => {
  it('takes a key with dots escaped, as kubectl users write {.data.ca\\.crt}', () => {
    const secret = { data: { 'ca.crt': 'Q0E=', ca: { crt: 'wrong' } } };
    expect(renderJsonPath('{.data.ca\\.crt}', secret)).toBe('Q0E=');
    expect(renderJsonPath("{.data['ca.crt']}", secret)).toBe('Q0E=');
    expect(renderJsonPath('{.data.ca.crt}', secret)).toBe('wrong');
  });

  it('returns the values of one path', () => {
    expect(selectJsonPath('{.items[*].status.capacity.cpu}', SAMPLE)).toEqual(['4', '8']);
    expect(selectJsonPath('{.missing}', SAMPLE)).toEqual([]);
  });

  it('refuses anything but one path', () => {
    expect(() => selectJsonPath('{.kind}{.kind}', SAMPLE)).toThrow(JsonPathError);
  });
});
