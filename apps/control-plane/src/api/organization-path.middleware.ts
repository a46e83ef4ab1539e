import type { IncomingMessage, ServerResponse } from 'node:http';

const ORG_PATH = /^\/orgs\/([^/]+)\/graphql(\?.*)?$/;

/**
 * Express middleware: `/orgs/<slug>/graphql` is `/graphql` with the header
 * `X-Gantry-Organization: <slug>`, so scripts can name their organization in
 * the URL. A header that names another organization is replaced: the path wins.
 */
export function organizationPathMiddleware(req: IncomingMessage, _res: ServerResponse, next: () => void): void {
  const match = ORG_PATH.exec(req.url ?? '');
  if (match) {
    req.headers['x-gantry-organization'] = decodeURIComponent(match[1]!);
    req.url = `/graphql${match[2] ?? ''}`;
  }
  next();
}
