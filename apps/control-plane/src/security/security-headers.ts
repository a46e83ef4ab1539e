import helmet from 'helmet';
import type { HttpSecurityConfig } from './http-security.config';

/**
 * The Content-Security-Policy of every response: strict enough for a JSON
 * API, and exactly what the console (a Vite-built single-page app served by
 * this server from the same origin) needs: its own scripts, styles, images
 * and fonts, `fetch`/WebSocket to this origin and to the OIDC issuer
 * (GANTRY_CSP_CONNECT_SRC). No inline script, no plugins, never framed.
 */
export function contentSecurityPolicy(config: HttpSecurityConfig): Record<string, string[] | null> {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'connect-src': ["'self'", ...config.cspConnectSources],
    'font-src': ["'self'", 'data:'],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'img-src': ["'self'", 'data:'],
    'object-src': ["'none'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    // Only behind TLS: on plain-HTTP development servers it would break the console's own assets.
    'upgrade-insecure-requests': config.hstsMaxAgeS > 0 ? [] : null,
  };
}

/**
 * helmet with the policy above: CSP, `X-Content-Type-Options: nosniff`,
 * `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`, and
 * `Strict-Transport-Security` only when GANTRY_HSTS_MAX_AGE_S > 0 (set it
 * when clients reach the server over TLS).
 */
export function securityHeaders(config: HttpSecurityConfig): ReturnType<typeof helmet> {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(config) },
    strictTransportSecurity: config.hstsMaxAgeS > 0 ? { maxAge: config.hstsMaxAgeS, includeSubDomains: true } : false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}
