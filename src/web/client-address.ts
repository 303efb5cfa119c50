import { isIP } from 'node:net';

/**
 * The key a per-address rate limit counts a client by: an IPv4 address as it is, an IPv6
 * address by its /64 network. One subscriber (a home line, a phone, a rented server) is usually
 * given a whole /64 and may use any of its 2^64 addresses: counted per address, a client
 * changing address with each request is never limited. An IPv4 address written as IPv6
 * (`::ffff:203.0.113.7`, what a dual-stack socket reports) is IPv4, counted per address.
 * Anything else (no address, one Node did not parse) counts as itself.
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
  if (isIP(address) !== 6) return `ip:${ip}`;
  const groups = ipv6Groups(address);
  if (!groups) return `ip:${ip}`;
  // ::ffff:a.b.c.d (IPv4-mapped): the IPv4 address it carries.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return `ip4:${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return `ip6:${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing IPv4 part as two groups). */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail, ...more] = text.split('::');
  if (more.length) return undefined;
  const part = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return undefined;
  const groups = [...left, ...Array<number>(tail === undefined ? 0 : missing).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}
