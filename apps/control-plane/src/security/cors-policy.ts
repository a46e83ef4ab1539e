import type { IncomingMessage } from 'node:http';
import type { CorsOptions, CorsOptionsDelegate } from '@nestjs/common/interfaces/external/cors-options.interface';
import type { HttpSecurityConfig } from './http-security.config';

/** How long a browser may cache a successful preflight, seconds. */
export const CORS_MAX_AGE_S = 600;

/** An HTTP request as Express hands it over (`protocol` honours the trusted proxies). */
export type ExpressRequest = IncomingMessage & { protocol?: string };

/** The origin of the server as the request reached it (`scheme://host[:port]`). */
function ownOrigin(req: ExpressRequest): string {
  return `${req.protocol ?? 'http'}://${req.headers.host ?? ''}`;
}

/**
 * CORS limited to the console: a request whose `Origin` is one of
 * GANTRY_CONSOLE_ORIGIN (or, when that is empty, this server's own origin)
 * gets `Access-Control-Allow-Origin` with its origin, methods GET and POST,
 * request headers `authorization`, `content-type` and `x-gantry-organization`, no cookies (the API
 * authenticates with bearer tokens); any other origin gets no CORS header at
 * all, so browsers refuse to let its pages read responses.
 */
export function corsPolicy(config: HttpSecurityConfig): CorsOptionsDelegate<ExpressRequest> {
  const allowed: CorsOptions = {
    origin: true,
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'x-gantry-organization'],
    credentials: false,
    maxAge: CORS_MAX_AGE_S,
  };
  return (req, callback) => {
    const origin = req.headers.origin;
    const ok = origin !== undefined && (config.consoleOrigins.length > 0 ? config.consoleOrigins.includes(origin) : origin === ownOrigin(req));
    callback(null, ok ? allowed : { origin: false });
  };
}
