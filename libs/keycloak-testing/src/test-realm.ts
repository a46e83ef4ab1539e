import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KeycloakAdmin } from './keycloak-admin';
import { testKeycloakAdmin } from './keycloak-test-env';
import { signInWithPkce } from './pkce-sign-in';
import { readTokenResponse, type TokenSet } from './token-set';

/** The shipped realm export (`deploy/keycloak/gantry-realm.json`). */
export const GANTRY_REALM_FILE = path.resolve(import.meta.dirname, '../../../deploy/keycloak/gantry-realm.json');

/** Options of {@link importTestRealm}. */
export interface TestRealmOptions {
  /** Admin client; default {@link testKeycloakAdmin} (the `npm test` run's Keycloak). */
  admin?: KeycloakAdmin;
  /** Realm representation fields to override, e.g. `{ accessTokenLifespan: 1 }`. */
  overrides?: Record<string, unknown>;
}

/** Fields of {@link TestRealm.createUser}; everything defaults to unique values. */
export interface NewUser {
  username?: string;
  /** Secret: never logged. */
  password?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  /** Default true. */
  emailVerified?: boolean;
}

/** A user created by {@link TestRealm.createUser}: its Keycloak id (the tokens' `sub`) and the credentials used. */
export interface TestUser {
  id: string;
  username: string;
  password: string;
  email: string;
  firstName: string;
  lastName: string;
}

/** A key rotation's result: key ids (`kid`, RFC 7517 §4.5) of the new RSA signing key and of the removed ones. */
export interface KeyRotation {
  newKid: string;
  removedKids: string[];
}

interface ComponentRep {
  id: string;
  name: string;
  providerId: string;
  config?: Record<string, string[]>;
}

/**
 * One test file's copy of the Gantry realm under a unique name, so files are
 * isolated (a key rotation or user in one never reaches another).
 */
export class TestRealm {
  constructor(
    readonly admin: KeycloakAdmin,
    /** Realm name, e.g. `gantry-t-1a2b3c4d`. */
    readonly name: string,
  ) {}

  /** The realm's issuer (`iss`): `<url>/realms/<name>`. */
  get issuer(): string {
    return `${this.admin.url}/realms/${this.name}`;
  }

  /** Creates an enabled user with a password (not temporary) and no required actions. */
  async createUser(user: NewUser = {}): Promise<TestUser> {
    const suffix = randomBytes(4).toString('hex');
    const created = {
      username: user.username ?? `user-${suffix}`,
      password: user.password ?? randomBytes(12).toString('base64url'),
      email: user.email ?? `user-${suffix}@example.test`,
      firstName: user.firstName ?? 'Test',
      lastName: user.lastName ?? `User ${suffix}`,
    };
    const id = await this.admin.create(`/${this.name}/users`, {
      username: created.username,
      email: created.email,
      firstName: created.firstName,
      lastName: created.lastName,
      enabled: true,
      emailVerified: user.emailVerified ?? true,
      requiredActions: [],
      credentials: [{ type: 'password', value: created.password, temporary: false }],
    });
    return { id, ...created };
  }

  /** A real authorization-code + PKCE sign-in through the realm's login page (see {@link signInWithPkce}). */
  signIn(username: string, password: string, options: { clientId?: string; redirectUri?: string } = {}): Promise<TokenSet> {
    return signInWithPkce({ issuer: this.issuer, username, password, ...options });
  }

  /** The client secret of a confidential client (read through the admin API). */
  async clientSecret(clientId: string): Promise<string> {
    const id = await this.clientUuid(clientId);
    const secret = await this.admin.request<{ value: string }>('GET', `/${this.name}/clients/${id}/client-secret`);
    return secret.value;
  }

  /** A client credentials grant (RFC 6749 §4.4) for a confidential client; default `gantry-automation`. */
  async clientCredentials(clientId = 'gantry-automation'): Promise<TokenSet> {
    const secret = await this.clientSecret(clientId);
    const res = await fetch(`${this.issuer}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    return readTokenResponse(res);
  }

  /**
   * Adds `origin` (`scheme://host:port`) to a client's Web Origins, so a
   * browser app served there may call the token endpoint (CORS). The shipped
   * realm lists the usual development ports; a console on another origin
   * needs its own entry, as in production.
   */
  async allowWebOrigin(clientId: string, origin: string): Promise<void> {
    const id = await this.clientUuid(clientId);
    const client = await this.admin.request<{ webOrigins?: string[] }>('GET', `/${this.name}/clients/${id}`);
    if (client.webOrigins?.includes(origin)) return;
    await this.admin.request('PUT', `/${this.name}/clients/${id}`, { ...client, webOrigins: [...(client.webOrigins ?? []), origin] });
  }

  /** Creates a client from a Keycloak ClientRepresentation; returns its internal id. */
  createClient(representation: Record<string, unknown>): Promise<string> {
    return this.admin.create(`/${this.name}/clients`, representation);
  }

  /**
   * Rotates the realm's RSA signing key through the admin API: adds an
   * `rsa-generated` key provider with a higher priority than any existing one
   * (so it signs every token from now on), then deletes the previous
   * `rsa-generated` providers (their keys leave the JWKS).
   */
  async rotateKeys(): Promise<KeyRotation> {
    const realm = await this.admin.request<{ id: string }>('GET', `/${this.name}`);
    const before = await this.rsaSigningProviders();
    const oldKeys = await this.activeKeys();
    const priority = Math.max(100, ...before.map((c) => Number(c.config?.['priority']?.[0] ?? 0))) + 100;
    const newId = await this.admin.create(`/${this.name}/components`, {
      name: `rsa-rotated-${randomUUID().slice(0, 8)}`,
      providerId: 'rsa-generated',
      providerType: 'org.keycloak.keys.KeyProvider',
      parentId: realm.id,
      config: { priority: [String(priority)], enabled: ['true'], active: ['true'], algorithm: ['RS256'], keySize: ['2048'] },
    });
    for (const c of before) await this.admin.request('DELETE', `/${this.name}/components/${c.id}`);
    const after = await this.activeKeys();
    const newKid = after.find((k) => k.providerId === newId)?.kid;
    if (!newKid) throw new Error('the new key provider has no RS256 key');
    return { newKid, removedKids: oldKeys.filter((k) => before.some((c) => c.id === k.providerId)).map((k) => k.kid) };
  }

  /** Deletes the realm (in the test file's `after`). */
  async delete(): Promise<void> {
    await this.admin.request('DELETE', `/${this.name}`);
  }

  private async clientUuid(clientId: string): Promise<string> {
    const clients = await this.admin.request<{ id: string }[]>('GET', `/${this.name}/clients?clientId=${encodeURIComponent(clientId)}`);
    const id = clients[0]?.id;
    if (!id) throw new Error(`no client ${clientId} in realm ${this.name}`);
    return id;
  }

  private async rsaSigningProviders(): Promise<ComponentRep[]> {
    const all = await this.admin.request<ComponentRep[]>('GET', `/${this.name}/components?type=org.keycloak.keys.KeyProvider`);
    return all.filter((c) => c.providerId === 'rsa-generated');
  }

  private async activeKeys(): Promise<{ kid: string; providerId: string }[]> {
    const keys = await this.admin.request<{ keys: { kid: string; providerId: string; algorithm: string; use: string }[] }>('GET', `/${this.name}/keys`);
    return keys.keys.filter((k) => k.algorithm === 'RS256' && k.use === 'SIG');
  }
}

/**
 * Imports `deploy/keycloak/gantry-realm.json` under a unique name
 * (`gantry-t-<8 hex>`) through the admin REST API (`POST /admin/realms`).
 * Errors: rejects when Keycloak is unreachable or refuses the import.
 */
export async function importTestRealm(options: TestRealmOptions = {}): Promise<TestRealm> {
  const admin = options.admin ?? testKeycloakAdmin();
  const name = `gantry-t-${randomBytes(4).toString('hex')}`;
  const representation = { ...(JSON.parse(readFileSync(GANTRY_REALM_FILE, 'utf8')) as Record<string, unknown>), ...options.overrides, realm: name };
  await admin.request('POST', '', representation);
  return new TestRealm(admin, name);
}
