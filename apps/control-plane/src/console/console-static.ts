import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { consoleConfigOf, ConsoleIssuerError } from './console-config';

/** Where the console's hashed build files live under its root (vite `build.assetsDir`). */
export const CONSOLE_ASSETS_PATH = '/_console';

/** Paths the server answers itself; the console's page fallback never takes them. */
const SERVER_PREFIXES = ['/graphql', '/api/', '/realms/', '/orgs/', '/healthz', '/readyz', '/console-config.json', CONSOLE_ASSETS_PATH];

/** How the control plane serves the console. */
export interface ConsoleServingOptions {
  /** Folder of the `vite build` output (index.html and `_console/`). */
  dir: string;
  /** The trusted OIDC issuer, read per request (the development issuer's URL is known only after listen). */
  issuer: () => string;
  clientId: string;
  version: string;
}

/**
 * Express middleware serving the console from the same origin as the API:
 * `GET /console-config.json` (see ConsoleConfigDocument), the hashed build
 * files under `/_console/` (cached for a year), and `index.html` (never
 * cached) for any other GET that asks for HTML, so deep links such as
 * `/acme/prod/runs/<id>` open the single-page app. Without a build it answers
 * those with 503 and how to build. API, issuer and health paths pass through.
 */
export function consoleMiddleware(options: ConsoleServingOptions): express.Router {
  const router = express.Router();
  const index = path.join(options.dir, 'index.html');
  router.get('/console-config.json', (_req: Request, res: Response) => {
    try {
      res.set('cache-control', 'no-store').json(consoleConfigOf(options.issuer(), options.clientId, options.version));
    } catch (error) {
      if (!(error instanceof ConsoleIssuerError)) throw error;
      res.status(500).json({ error: { code: error.code, message: error.message } });
    }
  });
  router.use(CONSOLE_ASSETS_PATH, express.static(path.join(options.dir, CONSOLE_ASSETS_PATH.slice(1)), { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  router.get(/.*/, (req: Request, res: Response, next: NextFunction) => {
    if (SERVER_PREFIXES.some((p) => req.path === p || req.path.startsWith(p.endsWith('/') ? p : `${p}/`))) return next();
    if (!req.accepts('html')) return next();
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The Gantry console is not built. Run `npm run build:console` (or `npm start`, which builds it).\n');
      return;
    }
    res.set('cache-control', 'no-cache').sendFile(index);
  });
  return router;
}
