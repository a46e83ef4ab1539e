import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identityFromClaims } from './oidc-identity';

const base = { iss: 'https://sso.example.com/realms/gantry', sub: 'u-1', exp: 1_900_000_000, iat: 1_899_999_700 };

test('a user token maps its profile claims', () => {
  const identity = identityFromClaims({ ...base, email: 'a@example.test', email_verified: true, name: 'Ada L', preferred_username: 'ada', azp: 'gantry-console' });
  assert.deepEqual(identity, {
    subject: 'u-1',
    issuer: base.iss,
    email: 'a@example.test',
    emailVerified: true,
    name: 'Ada L',
    preferredUsername: 'ada',
    clientId: 'gantry-console',
    isServiceAccount: false,
    expiresAt: new Date(1_900_000_000_000),
  });
});

test("a service account is the token's own client's service-account user, nothing else", () => {
  assert.equal(identityFromClaims({ ...base, preferred_username: 'service-account-gantry-automation', azp: 'gantry-automation' }).isServiceAccount, true);
  assert.equal(identityFromClaims({ ...base, preferred_username: 'service-account-ci', client_id: 'CI' }).isServiceAccount, true, 'client_id when azp is absent; Keycloak lower-cases the username');
  assert.equal(identityFromClaims({ ...base, preferred_username: 'service-account-gantry-automation', azp: 'gantry-console' }).isServiceAccount, false, 'another client');
  assert.equal(identityFromClaims({ ...base, preferred_username: 'service-account-x' }).isServiceAccount, false, 'no client');
});

test('missing or non-string claims become undefined, email_verified only true when true', () => {
  const identity = identityFromClaims({ ...base, email: 42, email_verified: 'true', name: '' });
  assert.equal(identity.email, undefined);
  assert.equal(identity.name, undefined);
  assert.equal(identity.emailVerified, false);
});
