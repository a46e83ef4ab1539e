import { escapeHtml } from './dev-issuer-http';

/**
 * The development sign-in page: a name and an email, no password (local
 * development only). Posts `request` (the pending authorization request's
 * id), `name` and `email` to `action`.
 */
export function signInPage(action: string, requestId: string, clientId: string, error?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to Gantry (development)</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1rem}.note{color:#666;font-size:.9em}.error{color:#b00}</style>
</head><body>
<h1>Sign in to Gantry</h1>
<p class="note">Development sign-in for <strong>${escapeHtml(clientId)}</strong>: no password, whoever you say you are. This issuer is refused in production.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form id="dev-sign-in" method="post" action="${escapeHtml(action)}">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
<label for="name">Name</label><input id="name" name="name" autocomplete="name" required maxlength="200" autofocus>
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required maxlength="254">
<button type="submit">Sign in</button>
</form>
</body></html>`;
}

/** A page for errors that must not redirect (unknown client or redirect URI, RFC 6749 §4.1.2.1). */
export function errorPage(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head><body><h1>Sign-in error</h1><p>${escapeHtml(message)}</p></body></html>`;
}

/** The page shown after logout when no post-logout redirect was asked for. */
export function signedOutPage(): string {
  return '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head><body><h1>You are signed out of Gantry.</h1></body></html>';
}
