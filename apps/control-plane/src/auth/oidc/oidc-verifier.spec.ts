/**
 * The OIDC verifier against a real Keycloak (started once per `npm test` run by
 * scripts/test.ts because this file imports @gantry/keycloak-testing). This
 * file imports its own realms, so its key rotation reaches no other file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose';
import { importTestRealm, type TestRealm, type TestUser } from '@gantry/keycloak-testing';
import { InvalidTokenError, type InvalidTokenReason } from './invalid-token.error';
import { OidcVerifier } from './oidc-verifier';

function refused(reason: InvalidTokenReason | InvalidTokenReason[]): (e: unknown) => boolean {
  const reasons = Array.isArray(reason) ? reason : [reason];
  return (e: unknown) => {
    assert.ok(e instanceof InvalidTokenError, `an InvalidTokenError, got ${String(e)}`);
    assert.ok(reasons.includes(e.reason), `reason ${e.reason} (${e.detail}) is one of ${reasons.join(', ')}`);
    assert.equal(e.message, 'invalid token', 'the message says nothing about why');
    return true;
  };
}

describe('OidcVerifier against a real Keycloak', () => {
  let realm: TestRealm;
  let otherRealm: TestRealm;
  let user: TestUser;
  let verifier: OidcVerifier;

  before(async () => {
    [realm, otherRealm] = await Promise.all([importTestRealm(), importTestRealm()]);
    user = await realm.createUser({ firstName: 'Ada', lastName: 'Lovelace' });
    verifier = new OidcVerifier({ issuer: realm.issuer, audience: 'gantry-api' });
  });
  after(async () => {
    await Promise.all([realm.delete(), otherRealm.delete()]);
  });

  test('discovery checks the issuer and finds the JWKS', async () => {
    const metadata = await verifier.ready();
    assert.equal(metadata.issuer, realm.issuer);
    assert.equal(metadata.jwks_uri, `${realm.issuer}/protocol/openid-connect/certs`);
    await assert.rejects(new OidcVerifier({ issuer: `${realm.issuer}/` }).ready(), refused('issuer_unavailable'), 'a discovered issuer that differs is refused');
    await assert.rejects(new OidcVerifier({ issuer: `${realm.admin.url}/realms/no-such-realm` }).ready(), refused('issuer_unavailable'));
  });

  test('a user signed in with authorization code + PKCE gets a token that verifies', async () => {
    const tokens = await realm.signIn(user.username, user.password);
    const identity = await verifier.verify(tokens.accessToken);
    assert.equal(identity.subject, user.id);
    assert.equal(identity.issuer, realm.issuer);
    assert.equal(identity.email, user.email);
    assert.equal(identity.emailVerified, true);
    assert.equal(identity.name, 'Ada Lovelace');
    assert.equal(identity.preferredUsername, user.username);
    assert.equal(identity.clientId, 'gantry-console');
    assert.equal(identity.isServiceAccount, false);
    assert.ok(identity.expiresAt.getTime() > Date.now());
  });

  test('an expired token is refused', async () => {
    const tokens = await realm.signIn(user.username, user.password);
    const later = new OidcVerifier({ issuer: realm.issuer, clock: () => new Date(Date.now() + (tokens.expiresIn + 60) * 1000) });
    await assert.rejects(later.verify(tokens.accessToken), refused('expired'));
  });

  test('a token for another audience is refused', async () => {
    await realm.createClient({ clientId: 'other-service', publicClient: false, serviceAccountsEnabled: true, standardFlowEnabled: false, directAccessGrantsEnabled: false });
    const tokens = await realm.clientCredentials('other-service');
    await assert.rejects(verifier.verify(tokens.accessToken), refused('audience'));
    const forOther = new OidcVerifier({ issuer: realm.issuer, audience: 'some-other-api' });
    const console = await realm.signIn(user.username, user.password);
    await assert.rejects(forOther.verify(console.accessToken), refused('audience'), 'a verifier for another API refuses gantry-api tokens');
  });

  test('a token from another issuer is refused', async () => {
    const stranger = await otherRealm.createUser();
    const tokens = await otherRealm.signIn(stranger.username, stranger.password);
    // Signed by the other realm's key: not in this realm's JWKS.
    await assert.rejects(verifier.verify(tokens.accessToken), refused(['unknown_key', 'issuer']));
    // Same keys, other issuer name: Keycloak in dev mode names the issuer after the Host it is asked on.
    const viaLocalhost = new OidcVerifier({ issuer: realm.issuer.replace('127.0.0.1', 'localhost') });
    const own = await realm.signIn(user.username, user.password);
    await assert.rejects(viaLocalhost.verify(own.accessToken), refused('issuer'));
  });

  test('a tampered token (payload changed, signature kept) is refused', async () => {
    const { accessToken } = await realm.signIn(user.username, user.password);
    const [header, payload, signature] = accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, email: 'admin@example.test' })).toString('base64url');
    await assert.rejects(verifier.verify(`${header}.${forged}.${signature}`), refused('signature'));
    const i = Math.floor(payload.length / 2);
    const flipped = `${payload.slice(0, i)}${payload[i] === 'A' ? 'B' : 'A'}${payload.slice(i + 1)}`;
    await assert.rejects(verifier.verify(`${header}.${flipped}.${signature}`), refused(['signature', 'malformed']));
  });

  test('unsigned and HMAC tokens are refused whatever they claim', async () => {
    const claims = { sub: user.id, aud: 'gantry-api', email: user.email };
    const none = new UnsecuredJWT(claims).setIssuer(realm.issuer).setIssuedAt().setExpirationTime('5m').encode();
    await assert.rejects(verifier.verify(none), refused(['algorithm', 'malformed']));
    const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer(realm.issuer).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode('x'.repeat(32)));
    await assert.rejects(verifier.verify(hs), refused('algorithm'));
    await assert.rejects(verifier.verify('not.a.jwt'), refused('malformed'));
  });

  test('a service-account token (client credentials) verifies as a service account', async () => {
    const tokens = await realm.clientCredentials();
    const identity = await verifier.verify(tokens.accessToken);
    assert.equal(identity.isServiceAccount, true);
    assert.equal(identity.clientId, 'gantry-automation');
    assert.equal(identity.preferredUsername, 'service-account-gantry-automation');
    assert.equal(identity.email, undefined);
  });

  test('after a key rotation new tokens verify without a new verifier, and the removed key is refused', async () => {
    // A cooldown of 0 lets the unknown kid refetch at once (production keeps jose's 30 s).
    const rotating = new OidcVerifier({ issuer: realm.issuer, jwksCooldownMs: 0 });
    const before = await realm.signIn(user.username, user.password);
    await rotating.verify(before.accessToken);
    const rotation = await realm.rotateKeys();
    assert.ok(rotation.removedKids.includes(decodeProtectedHeader(before.accessToken).kid ?? ''), 'the key that signed the first token was removed');

    const afterRotation = await realm.signIn(user.username, user.password);
    assert.equal(decodeProtectedHeader(afterRotation.accessToken).kid, rotation.newKid);
    const identity = await rotating.verify(afterRotation.accessToken);
    assert.equal(identity.subject, user.id);
    await assert.rejects(rotating.verify(before.accessToken), refused('unknown_key'));
  });
});
