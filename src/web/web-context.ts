import type { Response } from 'express';
import type { StaffMember } from '../caseworkers/desk';
import { isRtl, type Lang } from '../core/lang';
import { KorpuError } from '../core/errors';

/** Translates a `namespace:key` into the page's language. */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

/**
 * What every page handler knows about the request, after sign-in: who (`staff`, a roster
 * member: `staff.staffId`, `staff.role`, `staff.worker?.office`), in which language, and the
 * session's CSRF token for its forms.
 */
export interface WebContext {
  staff: StaffMember;
  /** `{ staffId }`: what desk use cases take as their actor. */
  actor: { staffId: string };
  /** The member's display name (roster name; an ADMIN_TELEGRAM_IDS admin without entry: their id). */
  name: string;
  lang: Lang;
  dir: 'ltr' | 'rtl';
  t: Translate;
  /** The session's CSRF token: put it in every form as `<input type="hidden" name="_csrf">`. */
  csrf: string;
  /** The session id (auth routes only: sign-out ends it). */
  sessionId: string;
}

/** A page asked for the signed-in context on a route that has none (mounted before sign-in). */
export class NoWebContextError extends KorpuError {
  override name = 'NoWebContextError';
}

/** Stores the context for the rest of the request (the session middleware does it). */
export function setWebContext(res: Response, ctx: WebContext): void {
  res.locals.web = ctx;
}

/**
 * The signed-in context of this request. Every route a page module adds runs after sign-in,
 * so it is always there for them.
 * @example const { staff, actor, t } = webContext(res);
 */
export function webContext(res: Response): WebContext {
  const ctx = res.locals.web as WebContext | undefined;
  if (!ctx) throw new NoWebContextError('the workspace context is missing: is the route mounted before sign-in?');
  return ctx;
}

/** The context, when the request is signed in (the 403 and error pages show the header then). */
export function maybeWebContext(res: Response): WebContext | undefined {
  return res.locals.web as WebContext | undefined;
}

/** Text direction of a language. */
export const dirOf = (lang: Lang): 'ltr' | 'rtl' => (isRtl(lang) ? 'rtl' : 'ltr');
