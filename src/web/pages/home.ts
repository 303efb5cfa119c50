import express, { type Router } from 'express';
import type { WebKit } from '../web-kit';

/** `/desk` itself: the case list is the workspace's first page. */
export function homePages(_kit: WebKit): Router {
  const router = express.Router();
  router.get('/', (_req, res) => res.redirect(303, '/desk/cases'));
  return router;
}
