/**
 * The counsellors' web workspace (`/desk`): see README.md in this folder for how to add a page.
 */
export { createWorkspace, FORM_LIMIT } from './workspace';
export type { WorkspaceDeps } from './workspace-deps';
export type { WebKit, PageModule } from './web-kit';
export { webContext, type WebContext, type Translate } from './web-context';
export { SignInLinks, SIGN_IN_LINK_MS } from './auth/sign-in-links';
export { WebSessions, IDLE_TIMEOUT_MS, ABSOLUTE_TIMEOUT_MS } from './auth/web-sessions';
export { sessionCookie, HOST_COOKIE, DEV_COOKIE, type SessionCookie } from './auth/session-cookie';
export { NAV, navFor, atLeast } from './nav';
