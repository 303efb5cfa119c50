import type { StaffRef } from '../../core/staff';
import { audit, authorize, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';

/**
 * Makes one-time sign-in links to the web workspace (src/web/auth/sign-in-links.ts is the
 * Redis one): single use, short-lived, bound to one member of staff.
 */
export interface SignInLinkIssuer {
  /** A fresh link for `staffId`, and when it stops working. */
  issue(staffId: string): Promise<{ url: string; expiresAt: Date }>;
}

/** The result of {@link requestSignInLink}. */
export type RequestSignInLinkResult = { ok: true; url: string; expiresAt: Date } | StaffRefusal;

/**
 * `/dashboard`: a member of staff asks for a link that signs them in to the web workspace. Only
 * roster members (and ADMIN_TELEGRAM_IDS admins) get one; the link works once, for a few
 * minutes, and only for them. The request is audited (`request_sign_in`), the link never logged.
 * @example const r = await requestSignInLink({ ...desk, links }, { staffId });
 */
export async function requestSignInLink(deps: DeskDeps & { links: SignInLinkIssuer }, actor: StaffRef): Promise<RequestSignInLinkResult> {
  const a = await authorize(deps, actor, 'use_workspace');
  if (refused(a)) return a;
  const link = await deps.links.issue(a.member.staffId);
  deps.logger.info({ by: staffLogRef(deps, actor.staffId) }, 'desk: workspace sign-in link sent');
  await audit(deps, a, 'request_sign_in', {});
  return { ok: true, ...link };
}
