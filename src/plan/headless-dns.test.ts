import { describe, expect, it } from 'vitest';
import {
  DNS_RECORDS_PATH,
  headlessRecords,
  namespaceHasHeadless,
  renderDnsRecords,
  resolverCreateOptions,
  resolverDockerName,
} from './headless-dns.js';

describe('headless records', () => {
  it('gives every headless Service its four names, addresses sorted and once each', () => {
    const records = headlessRecords([
      { name: 'web', namespace: 'shop', addresses: ['172.18.0.7', '172.18.0.5', '172.18.0.7'] },
      { name: 'db', namespace: 'shop', addresses: [] },
    ]);
    expect(renderDnsRecords(records)).toBe(
      [
        'podrun-dns 1',
        'name db',
        'name db.shop',
        'name db.shop.svc',
        'name db.shop.svc.cluster.local',
        'name web 172.18.0.5 172.18.0.7',
        'name web.shop 172.18.0.5 172.18.0.7',
        'name web.shop.svc 172.18.0.5 172.18.0.7',
        'name web.shop.svc.cluster.local 172.18.0.5 172.18.0.7',
        'end',
        '',
      ].join('\n'),
    );
  });

  it('is the same text whatever order the Services and pods come in', () => {
    const a = { name: 'a', namespace: 'n', addresses: ['10.0.0.2', '10.0.0.1'] };
    const b = { name: 'b', namespace: 'n', addresses: ['fd00::1'] };
    expect(renderDnsRecords(headlessRecords([a, b]))).toBe(
      renderDnsRecords(headlessRecords([b, { ...a, addresses: ['10.0.0.1', '10.0.0.2'] }])),
    );
  });

  it('an empty file is still complete (its end line)', () => {
    expect(renderDnsRecords([])).toBe('podrun-dns 1\nend\n');
  });

  it('keeps the first of two entries for one name and refuses what the resolver would', () => {
    expect(
      renderDnsRecords([
        { name: 'Web.', addresses: ['10.0.0.1'] },
        { name: 'web', addresses: ['10.0.0.2'] },
      ]),
    ).toBe('podrun-dns 1\nname web 10.0.0.1\nend\n');
    expect(() => renderDnsRecords([{ name: 'web', addresses: ['db-0'] }])).toThrow(
      'dns records: address db-0 is not a numeric IP address',
    );
    expect(() => renderDnsRecords([{ name: 'a b', addresses: [] }])).toThrow(
      'dns records: "a b" is not a DNS name',
    );
  });
});

describe('the resolver container', () => {
  it('runs the pause binary in DNS mode on the namespace network, binding port 53 unprivileged', () => {
    const options = resolverCreateOptions({
      namespace: 'shop',
      image: 'podrun/pause:0.1.0',
      network: 'podrun_shop',
      version: '0.1.0',
      extraLabels: { 'io.podrun.supervised': 'scope' },
    });
    expect(options.name).toBe(resolverDockerName('shop'));
    expect(options.name).toBe('podrun-dns_shop');
    expect(options.Cmd).toEqual(['--dns', DNS_RECORDS_PATH]);
    expect(options.Labels).toEqual({
      'io.podrun.managed': 'true',
      'io.podrun.role': 'resolver',
      'io.podrun.version': '0.1.0',
      'io.podrun.namespace': 'shop',
      'io.podrun.supervised': 'scope',
    });
    expect(options.HostConfig?.NetworkMode).toBe('podrun_shop');
    expect(options.HostConfig?.Sysctls).toEqual({ 'net.ipv4.ip_unprivileged_port_start': '0' });
  });

  it('exists for a namespace once it has a headless Service', () => {
    expect(namespaceHasHeadless(undefined)).toBe(false);
    expect(namespaceHasHeadless([{ clusterIP: '172.18.0.3' }, { clusterIP: '' }])).toBe(false);
    expect(namespaceHasHeadless([{ clusterIP: '172.18.0.3' }, { clusterIP: 'None' }])).toBe(true);
  });
});
