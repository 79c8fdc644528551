import { describe, expect, it } from 'vitest';
import { parsePortSpec, parsePortSpecs } from './port-spec.js';

describe('port-forward port arguments', () => {
  it('takes REMOTE, LOCAL:REMOTE, :REMOTE and 0:REMOTE', () => {
    expect(parsePortSpec('8080')).toEqual({ spec: '8080', local: undefined, remote: 8080 });
    expect(parsePortSpec('9000:80')).toEqual({ spec: '9000:80', local: 9000, remote: 80 });
    expect(parsePortSpec(':80')).toMatchObject({ local: 0, remote: 80 });
    expect(parsePortSpec('0:80')).toMatchObject({ local: 0, remote: 80 });
  });

  it('takes a port name as REMOTE', () => {
    expect(parsePortSpec('8080:http')).toMatchObject({ local: 8080, remote: 'http' });
    expect(parsePortSpec('web-ui')).toMatchObject({ local: undefined, remote: 'web-ui' });
  });

  it('refuses what is neither, in one line naming the argument', () => {
    expect(() => parsePortSpec('abc:80')).toThrow(
      'invalid port "abc:80": local port "abc" must be a number from 0 to 65535',
    );
    expect(() => parsePortSpec('8080:0')).toThrow(/remote port "0" must be a number from 1/);
    expect(() => parsePortSpec('70000')).toThrow(/remote port "70000"/);
    expect(() => parsePortSpec('1:2:3')).toThrow('invalid port "1:2:3": expected [LOCAL:]REMOTE');
    expect(() => parsePortSpec('8080:')).toThrow(/remote port ""/);
    expect(() => parsePortSpec('-1')).toThrow(/remote port "-1"/);
    expect(() => parsePortSpec('Http')).toThrow(/remote port "Http"/);
    expect(() => parsePortSpecs([])).toThrow('at least one port is needed');
  });
});
