import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { createPkce } from './pkce';
import { loginFormAction } from './pkce-sign-in';

test("loginFormAction reads the action of Keycloak's login form and decodes entities", () => {
  const html = '<form id="other" action="/nope"></form><form id="kc-form-login" class="x" onsubmit="return true;" action="http://kc/realms/r/login-actions/authenticate?session_code=a&amp;execution=b&amp;tab_id=c" method="post">';
  assert.equal(loginFormAction(html), 'http://kc/realms/r/login-actions/authenticate?session_code=a&execution=b&tab_id=c');
  assert.equal(loginFormAction('<form id="kc-register-form" action="/x">'), undefined);
});

test('createPkce makes an RFC 7636 verifier and its S256 challenge', () => {
  const { verifier, challenge } = createPkce();
  assert.match(verifier, /^[A-Za-z0-9\-._~]{43,128}$/);
  assert.equal(challenge, createHash('sha256').update(verifier).digest('base64url'));
  assert.notEqual(createPkce().verifier, verifier);
});
