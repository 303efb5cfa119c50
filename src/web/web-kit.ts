import type { Request, RequestHandler, Response, Router } from 'express';
import type { Role } from '../caseworkers/desk';
import type { RefusalReason } from './access';
import type { Renderer } from './render';
import type { WorkspaceDeps } from './workspace-deps';

/**
 * What a page module gets to build its routes with (see src/web/README.md). Every route of a
 * page module runs after sign-in and the CSRF check: `webContext(res)` is always there.
 */
export interface WebKit {
  deps: WorkspaceDeps;
  /** Only members whose role is at least `role` (caseworker < supervisor < admin); others get a 403 page, audited. */
  requireRole(role: Role): RequestHandler;
  /** Renders `view` inside the layout (see Renderer.render). */
  render: Renderer['render'];
  /** A 403 page, audited (`web_refused`, with the reason and the case code if any). */
  forbidden(req: Request, res: Response, reason: RefusalReason, detail?: { caseCode?: string }): Promise<void>;
  /** Records an audit entry by the signed-in member (wire values only, never personal data). */
  audit(res: Response, action: string, detail?: { caseCode?: string } & Record<string, string | undefined>): Promise<void>;
}

/** A page module: its routes, mounted under `/desk` after sign-in. */
export type PageModule = (kit: WebKit) => Router;
