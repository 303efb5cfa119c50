import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The key a per-address rate limit counts a client by: an IPv4 address as it is, an IPv6
 * address by its /64 network. One subscriber (a home line, a phone, a rented server) is usually
 * given a whole /64 and may use any of its 2^64 addresses: counted per address, a client
 * changing address with each request is never limited. An IPv4 address written as IPv6
 * (`::ffff:203.0.113.7`, what a dual-stack socket reports) is IPv4, counted per address.
 * Anything else (no address, one Node does not take for an address) counts as itself.
 * Used by the workspace's limits and the simulator's.
 *
 * @example
 * addressKey('2001:db8:1:2:aaaa::1') // 'ip6:2001:db8:1:2::/64'
 * addressKey('::ffff:203.0.113.7')   // 'ip4:203.0.113.7'
 * addressKey('203.0.113.7')          // 'ip4:203.0.113.7'
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'ip:unknown';
  if (isIP(ip) === 4) return `ip4:${ip}`;
  // A zone (fe80::1%eth0) names the interface, not the address.
  const address = ip.split('%')[0] ?? '';
  // Node's strict check first: ipaddr.js also takes old IPv4 spellings ("127.1", "0x7f.0.0.1").
  if (isIP(address) !== 6) return `ip:${ip}`;
  const v6 = ipaddr.IPv6.parse(address);
  if (v6.isIPv4MappedAddress()) return `ip4:${v6.toIPv4Address().toString()}`;
  return `ip6:${v6.parts.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}
