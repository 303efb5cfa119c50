import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { SimulatorChannel, type SimulatorCore } from './simulator-channel';
import { loadSimulatorPage } from './simulator-page';
import { MessageRequestSchema } from './simulator-schema';

/** Paths of the simulator's HTTP API (the page is served at `/`). */
export const SIMULATOR_PATHS = { page: '/', strings: '/api/simulator/strings', messages: '/api/simulator/messages' } as const;

/**
 * The simulator over HTTP: `GET /` the page, `GET /api/simulator/strings?lang=xx` its texts,
 * `POST /api/simulator/messages {session, input, id?, langHint?}` → `{lang, dir, messages}`.
 * Expects JSON bodies already parsed (with a size limit) by the app. Session ids are
 * checked here and never logged; errors go to the app's error middleware.
 *
 * @example
 * app.use(express.json({ limit: '64kb' }), simulatorRouter(core));
 */
export function simulatorRouter(core: SimulatorCore): Router {
  const sim = new SimulatorChannel(core);
  const page = loadSimulatorPage();
  const router = Router();

  router.get(SIMULATOR_PATHS.page, (_req: Request, res: Response) => {
    res.set(page.headers).send(page.html);
  });

  router.get(SIMULATOR_PATHS.strings, (req: Request, res: Response) => {
    const lang = typeof req.query.lang === 'string' ? req.query.lang.slice(0, 35) : undefined;
    res.json(sim.strings(lang));
  });

  router.post(SIMULATOR_PATHS.messages, async (req: Request, res: Response) => {
    const parsed = MessageRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid_request', issues: describe(parsed.error) });
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
