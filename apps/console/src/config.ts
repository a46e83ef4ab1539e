/**
 * What the console needs to know before it can sign in, served by the control
 * plane at `/console-config.json` (same origin):
 * `{ oidc: { url, realm, clientId }, version }` where `url` is the Keycloak
 * base URL (the issuer without `/realms/<realm>`).
 */
export interface ConsoleConfig {
  oidc: { url: string; realm: string; clientId: string };
  version: string;
}

/** Fetches {@link ConsoleConfig}. Errors: Error with the HTTP status when the control plane cannot be reached. */
export async function loadConsoleConfig(): Promise<ConsoleConfig> {
  const res = await fetch('/console-config.json', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`the control plane answered ${res.status} for /console-config.json`);
  return (await res.json()) as ConsoleConfig;
}
