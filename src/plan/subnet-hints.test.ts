import { describe, expect, it } from 'vitest';
import { forgetHint, HINT_TTL_MS, MAX_HINTS, pickHint, rememberHint } from './subnet-hints.js';

const hint = (subnet: string, learnedAt = 1000) => ({
  subnet,
  gateway: subnet.replace(/0\/\d+$/, '1'),
  learnedAt,
});

describe('pickHint', () => {
  it('takes the first hint no network overlaps', () => {
    const hints = [hint('172.20.0.0/16'), hint('172.21.0.0/16')];
    expect(pickHint(hints, ['172.17.0.0/16', '172.20.5.0/24'], 2000)?.subnet).toBe('172.21.0.0/16');
  });

  it('sees an overlap both ways: a wider network holding the hint, a narrower one inside it', () => {
    expect(pickHint([hint('192.168.16.0/20')], ['192.168.0.0/16'], 2000)).toBeUndefined();
    expect(pickHint([hint('172.22.0.0/16')], ['172.22.255.0/28'], 2000)).toBeUndefined();
    expect(pickHint([hint('172.22.0.0/16')], ['172.23.0.0/16'], 2000)?.subnet).toBe(
      '172.22.0.0/16',
    );
  });

  it('ignores hints older than the TTL and ones that are no CIDR', () => {
    expect(pickHint([hint('172.20.0.0/16', 0)], [], HINT_TTL_MS + 1)).toBeUndefined();
    expect(pickHint([{ ...hint('x'), subnet: 'nonsense' }], [], 2000)).toBeUndefined();
  });

  it('ignores subnets of networks that are not IPv4 CIDRs', () => {
    expect(pickHint([hint('172.20.0.0/16')], ['fd00::/64', ''], 2000)?.subnet).toBe(
      '172.20.0.0/16',
    );
  });
});

describe('rememberHint and forgetHint', () => {
  it('puts the newest first, once, and keeps a bounded list', () => {
    let hints = [hint('172.20.0.0/16')];
    hints = rememberHint(hints, hint('172.21.0.0/16', 1500), 2000);
    hints = rememberHint(hints, hint('172.20.0.0/16', 1800), 2000);
    expect(hints.map((h) => h.subnet)).toEqual(['172.20.0.0/16', '172.21.0.0/16']);
    for (let i = 0; i < 20; i++) hints = rememberHint(hints, hint(`10.${i}.0.0/16`, 2000), 2000);
    expect(hints).toHaveLength(MAX_HINTS);
    expect(forgetHint(hints, '10.19.0.0/16').map((h) => h.subnet)).not.toContain('10.19.0.0/16');
  });

  it('drops expired hints when it remembers a new one', () => {
    const hints = rememberHint([hint('172.20.0.0/16', 0)], hint('172.21.0.0/16'), HINT_TTL_MS + 10);
    expect(hints.map((h) => h.subnet)).toEqual(['172.21.0.0/16']);
  });
});
