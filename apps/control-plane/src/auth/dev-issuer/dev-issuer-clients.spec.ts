import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAllowedOrigin, isAllowedRedirectUri } from './dev-issuer-clients';

test('redirect URIs: loopback http on any port and path, nothing else', () => {
  for (const ok of ['http://localhost:5173/callback', 'http://127.0.0.1:4000/', 'http://[::1]:8080/x?y=1', 'http://localhost/']) {
    assert.equal(isAllowedRedirectUri(ok), true, ok);
  }
  for (const bad of ['https://evil.test/cb', 'http://localhost.evil.test:5173/', 'http://127.0.0.2:5173/', 'http://user:pw@localhost:5173/', 'http://localhost:5173/#frag', 'javascript:alert(1)', '/relative', '']) {
    assert.equal(isAllowedRedirectUri(bad), false, bad);
  }
});

test('CORS origins: loopback http origins only, exactly an origin', () => {
  assert.equal(isAllowedOrigin('http://localhost:5173'), true);
  assert.equal(isAllowedOrigin('http://127.0.0.1:4000'), true);
  assert.equal(isAllowedOrigin('https://evil.test'), false);
  assert.equal(isAllowedOrigin('http://localhost:5173/path'), false);
  assert.equal(isAllowedOrigin('null'), false);
});
