import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The page file, next to this module (the build copies it into dist/ as well). */
export const PAGE_FILE = join(__dirname, 'page.html');

/** The simulator page and the headers to serve it with. */
export interface SimulatorPage {
  html: string;
  headers: Record<string, string>;
}

/**
 * Reads the self-contained simulator page once and builds its Content-Security-Policy: the
 * page may run only its own inline <script> and <style> (allowed by their SHA-256 hashes) and
 * talk only to its own origin. No framework, no CDN, nothing else can be injected.
 */
export function loadSimulatorPage(file = PAGE_FILE): SimulatorPage {
  const html = readFileSync(file, 'utf8');
  const code = html.replace(/<!--[\s\S]*?-->/g, ''); // a tag named in a comment is not code
  const hashes = (tag: string) =>
    [...code.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`).join(' ');
  const csp = [
    "default-src 'none'",
    `script-src ${hashes('script')}`,
    `style-src ${hashes('style')}`,
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': csp,
      'cache-control': 'no-cache',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    },
  };
}
