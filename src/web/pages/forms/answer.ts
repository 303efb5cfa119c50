import type { Request, Response } from 'express';
import type { FieldIssue } from '../../../caseworkers/desk';
import { webContext } from '../../web-context';
import type { WebKit } from '../../web-kit';

/** A desk refusal that is about who may do it (a 403), or about the case (404), rather than the form. */
type Refusal = { ok: false; reason: string };

/**
 * Answers a desk refusal that is about access: 403 (audited) for the role, another office or
 * another worker's case, 404 for a case or report that does not exist. Answers false when the
 * refusal is the page's to show (a form problem, an order of steps).
 */
export async function answeredRefusal(kit: WebKit, req: Request, res: Response, r: Refusal, caseCode?: string): Promise<boolean> {
  const detail = caseCode ? { caseCode } : {};
  switch (r.reason) {
    case 'not_staff':
    case 'forbidden':
      await kit.forbidden(req, res, 'role', detail);
      return true;
    case 'other_office':
      await kit.forbidden(req, res, 'other_office', detail);
      return true;
    case 'not_holder':
      await kit.forbidden(req, res, 'not_holder', detail);
      return true;
    case 'not_found':
      kit.render(res, 'not-found', { title: webContext(res).t('web:not_found.title') }, 404);
      return true;
    default:
      return false;
  }
}

/** zod's issues by field path, for the template to show beside each field. */
export function issuesByField(issues: readonly FieldIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) out[i.path || '_'] ??= i.message;
  return out;
}

/** A case code in a URL: what Körpü issues (letters, digits, dashes), anything else is no case. */
export const CASE_CODE = /^[A-Z0-9-]{4,32}$/;
