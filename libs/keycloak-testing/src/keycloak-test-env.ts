import { KeycloakAdmin } from './keycloak-admin';
import type { RunningKeycloak } from './keycloak-server';

/** Env variable with the base URL of the test run's Keycloak (set by `scripts/test.ts`). */
export const KEYCLOAK_URL_ENV = 'GANTRY_TEST_KEYCLOAK_URL';
/** Env variable with the master realm's bootstrap admin username. */
export const KEYCLOAK_ADMIN_USERNAME_ENV = 'GANTRY_TEST_KEYCLOAK_ADMIN_USERNAME';
/** Env variable with the master realm's bootstrap admin password (secret). */
export const KEYCLOAK_ADMIN_PASSWORD_ENV = 'GANTRY_TEST_KEYCLOAK_ADMIN_PASSWORD';

/**
 * The import specifier test files use; `scripts/test.ts` starts Keycloak only
 * when a selected test file mentions it.
 */
export const KEYCLOAK_TESTING_MODULE = '@gantry/keycloak-testing';

/** The env variables that hand a running Keycloak to test processes. */
export function keycloakTestEnv(keycloak: RunningKeycloak): Record<string, string> {
  return {
    [KEYCLOAK_URL_ENV]: keycloak.url,
    [KEYCLOAK_ADMIN_USERNAME_ENV]: keycloak.admin.username,
    [KEYCLOAK_ADMIN_PASSWORD_ENV]: keycloak.admin.password,
  };
}

/**
 * An admin client of the test run's Keycloak, from the env variables above.
 * Errors: throws when they are unset (the test file was not started by
 * `npm test`, which starts Keycloak for files importing this library).
 */
export function testKeycloakAdmin(env: Record<string, string | undefined> = process.env): KeycloakAdmin {
  const url = env[KEYCLOAK_URL_ENV];
  const username = env[KEYCLOAK_ADMIN_USERNAME_ENV];
  const password = env[KEYCLOAK_ADMIN_PASSWORD_ENV];
  if (!url || !username || !password) {
    throw new Error(`${KEYCLOAK_URL_ENV} and the admin credentials are unset: run this test through \`npm test -- <file>\`, which starts Keycloak for files importing ${KEYCLOAK_TESTING_MODULE}`);
  }
  return new KeycloakAdmin(url, { username, password });
}
