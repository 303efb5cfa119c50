import { addressKey } from '../../../src/core/client-address';

describe('addressKey', () => {
  it('counts IPv4 per address', () => {
    expect(addressKey('203.0.113.7')).toBe('ip4:203.0.113.7');
    expect(addressKey('203.0.113.8')).not.toBe(addressKey('203.0.113.7'));
  });

  it('counts IPv6 by its /64: every address a subscriber holds is one key, another /64 another', () => {
    const one = ['2001:db8:1:2::1', '2001:db8:1:2:ffff:ffff:ffff:fffe', '2001:DB8:0001:0002:a:b:c:d', '2001:db8:1:2:0:0:0:0', '2001:db8:1:2::9%eth0'];
    expect(new Set(one.map(addressKey))).toEqual(new Set(['ip6:2001:db8:1:2::/64']));
    expect(addressKey('2001:db8:1:3::1')).toBe('ip6:2001:db8:1:3::/64');
    expect(addressKey('::1')).toBe('ip6:0:0:0:0::/64');
    expect(addressKey('2001:db8::')).toBe('ip6:2001:db8:0:0::/64');
  });

  it('counts an IPv4 address written as IPv6 (a dual-stack socket) as that IPv4 address, per address', () => {
    expect(addressKey('::ffff:203.0.113.7')).toBe('ip4:203.0.113.7');
    expect(addressKey('::ffff:cb00:7107')).toBe('ip4:203.0.113.7');
    expect(addressKey('::ffff:203.0.113.8')).toBe('ip4:203.0.113.8');
  });

  it('counts what is no address as itself', () => {
    expect(addressKey(undefined)).toBe('ip:unknown');
    expect(addressKey('not an address')).toBe('ip:not an address');
  });
});
