import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { SimulatorChannel, type SimulatorCore } from './simulator-channel';
import { loadSimulatorPage } from './simulator-page';
import { MessageRequestSchema } from './simulator-schema';
import type { SimulatorLimits } from './simulator-limits';
import { SimulatorSessions } from './simulator-sessions';

/** Paths of the simulator's HTTP API (the page is served at `/`). */
export const SIMULATOR_PATHS = { page: '/', strings: '/api/simulator/strings', sessions: '/api/simulator/sessions', messages: '/api/simulator/messages' } as const;

/**
 * The simulator over HTTP: `GET /` the page, `GET /api/simulator/strings?lang=xx` its texts,
 * `POST /api/simulator/sessions` → 201 `{session}` a new session id issued by the server,
 * `POST /api/simulator/messages {session, input, id?, langHint?}` → `{lang, dir, messages}`.
 * A malformed body is refused with 400 `invalid_request`; a well-formed session id this server
 * did not issue (guessed, forged, or signed with another key), or issued more than a day ago,
 * with 403 `unknown_session`.
 * Expects JSON bodies already parsed (with a size limit) by the app. Session ids are never
 * logged; errors go to the app's error middleware. With `limits` (Körpü always gives them) the
 * API is rate-limited per client address and new sessions are capped (429 over a limit).
 *
 * @example
 * app.use(express.json({ limit: '64kb' }), simulatorRouter(core, createSimulatorLimits(deps)));
 */
export function simulatorRouter(core: SimulatorCore, limits?: SimulatorLimits): Router {
  const sim = new SimulatorChannel(core);
  const page = loadSimulatorPage();
  const sessions = new SimulatorSessions(core.cipher);
  const router = Router();
  if (limits) router.use('/api/simulator', limits.requests);

  router.get(SIMULATOR_PATHS.page, (_req: Request, res: Response) => {
    res.set(page.headers).send(page.html);
  });

  router.get(SIMULATOR_PATHS.strings, (req: Request, res: Response) => {
    const lang = typeof req.query.lang === 'string' ? req.query.lang.slice(0, 35) : undefined;
    res.json(sim.strings(lang));
  });

  router.post(SIMULATOR_PATHS.sessions, ...(limits ? [limits.newSession] : []), (_req: Request, res: Response) => {
    res.status(201).set('cache-control', 'no-store').json({ session: sessions.issue() });
  });

  router.post(SIMULATOR_PATHS.messages, async (req: Request, res: Response) => {
    const parsed = MessageRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid_request', issues: describe(parsed.error) });
      return;
    }
    if (!sessions.verify(parsed.data.session)) {
      res.status(403).json({ error: 'unknown_session', message: `this server did not issue the session id, or its day is over: get one with POST ${SIMULATOR_PATHS.sessions}` });
      return;
    }
    res.json(await sim.handle(parsed.data));
  });

  return router;
}

/** Zod issues as `{path, message}`; zod's messages name the rule, never the value sent. */
function describe(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
}
