import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAllowedOrigin } from './dev-issuer-clients';

/** A connect/Express-style middleware. */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** Largest form body read, bytes. */
const MAX_FORM_BYTES = 64 * 1024;

/**
 * The `application/x-www-form-urlencoded` fields of a POST: from `req.body`
 * when a body parser already ran (Express behind NestJS), else read from the
 * stream. Repeated fields keep their first value.
 */
export async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const parsed = (req as IncomingMessage & { body?: unknown }).body;
  if (parsed && typeof parsed === 'object' && !Buffer.isBuffer(parsed)) {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      const first = Array.isArray(v) ? v[0] : v;
      if (typeof first === 'string') out[k] = first;
    }
    return out;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new Error('form body too large');
    chunks.push(chunk);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) if (!(k in out)) out[k] = v;
  return out;
}

/** Sends a JSON answer that no cache keeps (RFC 6749 §5.1). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache', ...headers });
  res.end(JSON.stringify(body));
}

/** Sends an HTML page. */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
  });
  res.end(html);
}

/** Sends a 302 to `location`. */
export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}

/**
 * Adds CORS headers for loopback origins (the console on its dev server).
 * Returns true when the request was a preflight and has been answered.
 */
export function cors(req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (origin && isAllowedOrigin(origin)) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
    res.setHeader('vary', 'Origin');
  }
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(204, { 'access-control-allow-methods': 'GET, POST, OPTIONS', 'access-control-allow-headers': 'authorization, content-type', 'access-control-max-age': '3600' });
  res.end();
  return true;
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const THIRD_PARTY_COOKIES_SCRIPT = 'parent.postMessage("unsupported", "*")';

/**
 * keycloak-js's third-party cookie probe (`3p-cookies/step1.html`, loaded in a
 * hidden iframe before its session-status iframe): answers "unsupported", so
 * keycloak-js skips the session iframe this issuer does not serve. Framable,
 * and its one inline script is allowed by hash.
 */
export function sendThirdPartyCookiesProbe(res: ServerResponse): void {
  const hash = createHash('sha256').update(THIRD_PARTY_COOKIES_SCRIPT).digest('base64');
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': `default-src 'none'; script-src 'sha256-${hash}'` });
  res.end(`<!doctype html><script>${THIRD_PARTY_COOKIES_SCRIPT}</script>`);
}
