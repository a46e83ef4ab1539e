import type { Page } from 'playwright-core';

/**
 * Signs in on Keycloak's own login page (the `kc-form-login` form of the
 * keycloak.v2 theme) by typing the username and password, as a person would.
 * Expects `page` to be on that page already (the console redirected there).
 */
export async function typeKeycloakCredentials(page: Page, username: string, password: string): Promise<void> {
  await page.waitForSelector('#kc-form-login', { timeout: 30_000 });
  await page.locator('#username').pressSequentially(username, { delay: 5 });
  await page.locator('#password').pressSequentially(password, { delay: 5 });
  await page.locator('#kc-login').click();
}

/**
 * Signs in on the control plane's development issuer page (name + email, no
 * password; embedded defaults only). Expects `page` to be on that page.
 */
export async function typeDevIssuerIdentity(page: Page, name: string, email: string): Promise<void> {
  await page.waitForSelector('#dev-sign-in', { timeout: 30_000 });
  await page.locator('#name').fill(name);
  await page.locator('#email').fill(email);
  await page.locator('#dev-sign-in button[type=submit]').click();
}
