import type { KeycloakAdminCredentials } from './keycloak-server';

/** A failed admin REST call; `status` is the HTTP status (the body is in the message, never a token). */
export class KeycloakAdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A minimal client of Keycloak's admin REST API (`<url>/admin/realms/…`),
 * authenticated as the master realm's bootstrap admin through `admin-cli`
 * (password grant). The admin token (60 s lifespan in the master realm) is
 * refreshed before it expires.
 */
export class KeycloakAdmin {
  private token: { value: string; expiresAt: number } | undefined;

  constructor(
    /** Base URL of the server, e.g. `http://127.0.0.1:43121`. */
    readonly url: string,
    private readonly credentials: KeycloakAdminCredentials,
  ) {}

  /**
   * Calls `<url>/admin/realms<path>` with a JSON body (when given) and returns
   * the parsed JSON answer (undefined for an empty one).
   * Errors: KeycloakAdminError for a non-2xx status.
   */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/admin/realms${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await this.accessToken()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new KeycloakAdminError(res.status, `${method} /admin/realms${path}: ${res.status} ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** The `Location` id of a created resource (POST answering 201), e.g. a new user's id. */
  async create(path: string, body: unknown): Promise<string> {
    const res = await fetch(`${this.url}/admin/realms${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await this.accessToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new KeycloakAdminError(res.status, `POST /admin/realms${path}: ${res.status} ${(await res.text()).slice(0, 500)}`);
    const location = res.headers.get('location') ?? '';
    return location.slice(location.lastIndexOf('/') + 1);
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now() + 10_000) return this.token.value;
    const res = await fetch(`${this.url}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: this.credentials.username, password: this.credentials.password }),
    });
    if (!res.ok) throw new KeycloakAdminError(res.status, `admin sign-in refused: ${res.status}`);
    const json = (await res.json()) as { access_token: string; expires_in: number };
    this.token = { value: json.access_token, expiresAt: Date.now() + json.expires_in * 1000 };
    return json.access_token;
  }
}
