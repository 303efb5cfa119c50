import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * deploy/Caddyfile is the one door from the internet to the web processes (docker-compose.yml):
 * readiness (/readyz: a Redis round trip per request, and whether Redis is down) is not passed
 * on; liveness (/healthz, "ok") is. Read as text: no Caddy binary here, so this checks the
 * directives a reader checks (Caddy runs `respond` before `reverse_proxy` wherever written).
 */
describe('deploy/Caddyfile', () => {
  const caddyfile = readFileSync(resolve('deploy/Caddyfile'), 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean);
  /** The paths a named matcher (`@name path /a /b/*`) matches. */
  const matchers = new Map(
    caddyfile.flatMap((l) => {
      const m = /^@(\w+)\s+path\s+(.+)$/.exec(l);
      return m ? [[m[1]!, m[2]!.split(/\s+/)] as const] : [];
    }),
  );
  /** The paths a `respond` (or `abort`/`error`) directive answers itself instead of passing them on. */
  const answered = caddyfile.flatMap((l) => {
    const m = /^(?:respond|abort|error)\s+(\S+)/.exec(l);
    if (!m) return [];
    return m[1]!.startsWith('@') ? (matchers.get(m[1]!.slice(1)) ?? []) : m[1]!.startsWith('/') ? [m[1]!] : [];
  });
  const covers = (path: string) => answered.some((p) => p === path || (p.endsWith('*') && path.startsWith(p.slice(0, -1))));

  it('does not pass /readyz (nor /readyz/…) on to the web processes', () => {
    expect(covers('/readyz')).toBe(true);
    expect(covers('/readyz/')).toBe(true);
  });

  it('passes on everything else: /healthz, the workspace, the webhook', () => {
    for (const path of ['/healthz', '/health', '/desk/cases', '/desk/signin', '/telegram/webhook']) expect(covers(path)).toBe(false);
    expect(caddyfile.some((l) => l.startsWith('reverse_proxy'))).toBe(true);
  });
});
