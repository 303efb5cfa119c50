import type { Redis } from 'ioredis';
import type { DeskDeps } from '../caseworkers/desk';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Translator } from '../i18n';
import type { RedisKeys } from '../storage/keys';
import type { SignInLinks } from './auth/sign-in-links';
import type { SessionCookie } from './auth/session-cookie';
import type { WebSessions } from './auth/web-sessions';

/**
 * What the workspace works with; createKorpu builds it once. Pages reach cases only through the
 * desk's use cases (`desk`), the same ones the bot's buttons call.
 */
export interface WorkspaceDeps {
  /** The case workers' desk: every read and change of a case goes through its use cases. */
  desk: DeskDeps;
  links: SignInLinks;
  sessions: WebSessions;
  /** The session cookie's name and Secure flag (session-cookie.ts). */
  cookie: SessionCookie;
  /** For the rate limiters (rate-limiter-flexible keeps its counters there). */
  redis: Redis;
  keys: Pick<RedisKeys, 'webRateLimit'>;
  translator: Translator;
  clock: Clock;
  logger: Logger;
  /** The programme's time zone (TZ): dates and times on the pages. */
  timeZone: string;
}
