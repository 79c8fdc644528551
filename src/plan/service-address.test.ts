import { describe, expect, it } from 'vitest';
import { subnetLayout } from './network.js';
import { inServiceRange, pickClusterIP } from './service-address.js';

describe('subnetLayout', () => {
  it('gives pods the lower half (with the gateway) and Services the upper', () => {
    expect(subnetLayout('172.26.0.0/16', '172.26.0.1')).toEqual({
      subnet: '172.26.0.0/16',
      gateway: '172.26.0.1',
      ipRange: '172.26.0.0/17',
      serviceRange: '172.26.128.0/17',
    });
    expect(subnetLayout('10.213.4.0/24')).toEqual({
      subnet: '10.213.4.0/24',
      gateway: '10.213.4.1',
      ipRange: '10.213.4.0/25',
      serviceRange: '10.213.4.128/25',
    });
  });

  it('keeps the gateway out of the Service half, and refuses what it cannot split', () => {
    expect(subnetLayout('10.0.0.0/24', '10.0.0.254')?.gateway).toBe('10.0.0.1');
    expect(subnetLayout('10.0.0.0/29')).toBeUndefined();
    expect(subnetLayout('fd00::/64')).toBeUndefined();
    expect(subnetLayout('10.0.0.0')).toBeUndefined();
  });
});

describe('pickClusterIP', () => {
  const range = '10.213.4.128/25';

  it('is the same address for the same Service, in the range, never the broadcast', () => {
    const ip = pickClusterIP(range, 'ns', 'web', new Set())!;
    expect(pickClusterIP(range, 'ns', 'web', new Set())).toBe(ip);
    expect(inServiceRange(range, ip)).toBe(true);
    expect(inServiceRange(range, '10.213.4.255')).toBe(false);
    expect(inServiceRange(range, '10.213.4.127')).toBe(false);
  });

  it('probes past taken addresses and says when the range is full', () => {
    const taken = new Set<string>();
    const seen = new Set<string>();
    for (let i = 0; i < 127; i++) {
      const ip = pickClusterIP(range, 'ns', 'web', taken)!;
      expect(seen.has(ip)).toBe(false);
      seen.add(ip);
      taken.add(ip);
    }
    expect(seen.has('10.213.4.255')).toBe(false);
    expect(pickClusterIP(range, 'ns', 'web', taken)).toBeUndefined();
  });

  it('spreads Services over the range', () => {
    const ips = new Set(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => pickClusterIP(range, 'ns', name, new Set())),
    );
    expect(ips.size).toBeGreaterThan(3);
  });
});
