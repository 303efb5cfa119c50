import type { Request, Response } from 'express';
import type { StaffRefusal } from '../../../caseworkers/desk';
import type { WebKit } from '../../web-kit';
import type { ReportPagesDeps } from './report-pages-deps';

/** A desk refusal as the workspace's 403 page (audited by the kit). */
export function refuse(kit: WebKit, req: Request, res: Response, r: StaffRefusal | { ok: false; reason: 'other_office' }): Promise<void> {
  return kit.forbidden(req, res, r.reason === 'other_office' ? 'other_office' : r.reason === 'not_staff' ? 'not_staff' : 'role');
}

/** Whether a desk result is a refusal of who is asking (role, roster). */
export const isRefusal = (r: { ok: boolean; reason?: string }): r is StaffRefusal => !r.ok && (r.reason === 'forbidden' || r.reason === 'not_staff');

/** The report pages' dependencies; the workspace without them has none of these pages. */
export function reportsOf(kit: WebKit): ReportPagesDeps {
  const reports = kit.deps.reports;
  if (!reports) throw new Error('web: the report pages are mounted without their dependencies (WorkspaceDeps.reports)');
  return reports;
}

/** A one-line message after a change (post/redirect/get): `?ok=<key>&…` or `?err=<key>`, as text keys of `section`. */
export function flash(req: Request, section: string): { ok?: string; err?: string; params: Record<string, string> } {
  const q = req.query as Record<string, unknown>;
  const key = (v: unknown) => (typeof v === 'string' && /^[a-z_]{1,40}$/.test(v) ? v : undefined);
  const params: Record<string, string> = {};
  for (const p of ['date', 'count', 'code']) {
    const v = q[p];
    if (typeof v === 'string' && /^[A-Za-z0-9:_.-]{1,40}$/.test(v)) params[p] = v;
  }
  const ok = key(q.ok);
  const err = key(q.err);
  return { ...(ok ? { ok: `${section}.${ok}` } : {}), ...(err ? { err: `${section}.error.${err}` } : {}), params };
}
