import type { Request, Response } from 'express';
import type { FieldIssue } from '../../../caseworkers/desk';
import { FIELD_PROBLEMS } from '../../../caseworkers/forms/form-fields';
import { webContext, type Translate } from '../../web-context';
import type { WebKit } from '../../web-kit';

/** A desk refusal that is about who may do it (a 403), or about the case (404), rather than the form. */
type Refusal = { ok: false; reason: string; claimed?: false };

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
      // Nobody holds it yet: the worker is to claim it first, not told a colleague has it.
      await kit.forbidden(req, res, r.claimed === false ? 'not_claimed' : 'not_holder', detail);
      return true;
    case 'not_found':
      kit.render(res, 'not-found', { title: webContext(res).t('web:not_found.title') }, 404);
      return true;
    default:
      return false;
  }
}

const PROBLEMS = new Set<string>(FIELD_PROBLEMS);
/** The lists a form needs at least one row of (the plan's needs and goals): each says which. */
const LISTS_NEEDED = new Set(['needs', 'goals']);

/**
 * A form's problems by field path (`goals.0.agreedWithPerson`, `_` for the whole form), each
 * in the page's language, for the template to show beside its field: a schema's
 * {@link FIELD_PROBLEMS} wire value as its text (`casework:form.issue.<problem>`), any other
 * message as "Check this field" (zod's own English never reaches the page). The first problem
 * of a field is the one shown.
 * @example issuesByField([{ path: 'needs', message: 'none' }], t) // { needs: 'Write at least one need.' }
 */
export function issuesByField(issues: readonly FieldIssue[], t: Translate): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const path = i.path || '_';
    const last = path.split('.').at(-1) ?? '';
    // The "none" of a list names the list ("at least one need"); every other problem is the field's.
    const key = !PROBLEMS.has(i.message) || (i.message === 'none' && !LISTS_NEEDED.has(last)) ? 'casework:form.invalid_field' : i.message === 'none' ? `casework:form.issue.none_${last}` : `casework:form.issue.${i.message}`;
    out[path] ??= t(key);
  }
  return out;
}

/** A case code in a URL: what Körpü issues (letters, digits, dashes), anything else is no case. */
export const CASE_CODE = /^[A-Z0-9-]{4,32}$/;
