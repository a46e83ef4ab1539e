import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshotter, typeDevIssuerIdentity, typeKeycloakCredentials, type TestBrowser } from '@gantry/browser-testing';
import { createPrismaClient, createTestDatabase, type PrismaClient, type TestDatabase } from '@gantry/db';
import { mintToken } from '@gantry/domain';
import { importTestRealm, type TestRealm } from '@gantry/keycloak-testing';
import { registerTestSecret } from '@gantry/telemetry/testing';
import { startAgent, type AgentOptions, type RunningAgent } from '@gantry/agent';
import { loadControlPlaneConfig, startControlPlane, type ControlPlaneConfig, type RunningControlPlane } from '@gantry/control-plane';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** The flights example's code location (the main demo pipeline). */
export const FLIGHTS_LOCATION = path.join(ROOT, 'examples/flights/gantry.yaml');

/** Roles as the API names them. */
export type RoleName = 'VIEWER' | 'LAUNCHER' | 'EDITOR' | 'ADMIN' | 'OWNER';

/** A person who can sign in to the console: Keycloak credentials, or a name + email for the development issuer. */
export interface ConsoleUser {
  name: string;
  email: string;
  /** Keycloak only: what the person types into the login page. Secret: never logged. */
  username?: string;
  password?: string;
  /** Keycloak only: the user's id, the `sub` of their tokens. */
  subject?: string;
  role: RoleName;
}

/** Options of {@link startConsoleStack}. */
export interface ConsoleStackOptions {
  /**
   * `keycloak`: a fresh realm (imported from deploy/keycloak) in the test
   * run's real Keycloak, trusted through GANTRY_OIDC_ISSUER; the test file
   * must import `@gantry/keycloak-testing` so the runner starts Keycloak.
   * `dev`: the control plane's development issuer (embedded defaults).
   */
  identity: 'keycloak' | 'dev';
  /** Keycloak only: realm representation fields to override, e.g. `{ accessTokenLifespan: 40 }` (seconds). */
  realmOverrides?: Record<string, unknown>;
  /** gantry.yaml paths the agent serves; default the flights example. [] starts no agent. */
  codeLocations?: string[];
  /** Suite name: screenshots go to test-results/screenshots/<suite>/. */
  suite: string;
  controlPlane?: Partial<ControlPlaneConfig>;
  agent?: Partial<AgentOptions>;
}

/**
 * A real control plane (serving the built console at `baseUrl`), a real agent
 * on loopback gRPC, an organization with a `prod` deployment, and a way to
 * sign people in through the real issuer's own page in Debian's Chromium.
 */
export interface ConsoleStack {
  db: TestDatabase;
  /** Owner connection (bypasses row-level security): for seeding and checking only. */
  prisma: PrismaClient;
  cp: RunningControlPlane;
  agent: RunningAgent | undefined;
  /** `http://127.0.0.1:<port>`: the console and the API. */
  baseUrl: string;
  orgId: string;
  orgSlug: string;
  realm: TestRealm | undefined;
  /** An Admin API token of the organization, for setup through the public API. */
  apiToken: string;
  /** Runs a GraphQL operation with the API token; throws on GraphQL errors. */
  gql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Creates a person (a Keycloak user, or a development identity) invited with `role` at organization scope. */
  addUser(role: RoleName, name?: string): Promise<ConsoleUser>;
  /**
   * Opens the console at `path` in a fresh browser profile and signs `user`
   * in on the issuer's own page (typing the credentials), then waits until the
   * console has rendered its main region. Returns the page.
   */
  signIn(user: ConsoleUser, path?: string): Promise<Page>;
  /** Opens the console at `path` in a fresh browser profile, signed out: the page ends on the issuer's sign-in page. */
  openConsole(path?: string): Promise<Page>;
  /** Saves a full-page screenshot as test-results/screenshots/<suite>/<nn>-<name>.png. */
  screenshot(page: Page, name: string): Promise<string>;
  /** `/<org>/prod/<rest>` on this console. */
  url(rest: string): string;
  /** Waits until the catalog lists `key` (the agent reports its code locations after connecting). */
  waitForAsset(key: string, timeoutMs?: number): Promise<void>;
  /** Polls `run(id)` until it is terminal. */
  waitForRun(runId: string, timeoutMs?: number): Promise<{ status: string; failureReason: string | null }>;
  /** Page errors and console errors of every browser opened so far. */
  browserProblems(): string[];
  close(): Promise<void>;
}

/**
 * Starts {@link ConsoleStack}. The console must be built (`npm test` runs
 * ensure-install, which builds it). Errors: rejects when Chromium cannot be
 * installed, or a service fails to start.
 */
export async function startConsoleStack(options: ConsoleStackOptions): Promise<ConsoleStack> {
  const realm = options.identity === 'keycloak' ? await importTestRealm({ ...(options.realmOverrides && { overrides: options.realmOverrides }) }) : undefined;
  const db = await createTestDatabase();
  const prisma = createPrismaClient({ databaseUrl: db.url });
  const orgSlug = `acme-${Date.now().toString(36)}`;
  const org = await prisma.organization.create({ data: { slug: orgSlug, name: 'Acme Analytics' } });
  await prisma.deployment.create({ data: { orgId: org.id, name: 'prod' } });
  const api = mintToken('api');
  registerTestSecret(api.value, 'API token');
  await prisma.apiToken.create({ data: { orgId: org.id, name: 'browser-test setup', tokenHash: api.hash, prefix: api.prefix } });
  const cp = await startControlPlane(
    loadControlPlaneConfig({}, { databaseUrl: db.appUrl, httpPort: 0, grpcPort: 0, logLevel: 'warn', ...(realm && { oidcIssuer: realm.issuer }), ...options.controlPlane }),
  );
  const baseUrl = cp.httpUrl;
  // The console's origin must be one of the client's Web Origins for keycloak-js's token requests (CORS), as in production.
  await realm?.allowWebOrigin('gantry-console', baseUrl);
  let agent: RunningAgent | undefined;
  const codeLocations = options.codeLocations ?? [FLIGHTS_LOCATION];
  if (codeLocations.length > 0) {
    if (codeLocations.includes(FLIGHTS_LOCATION) && !process.env['GANTRY_EXAMPLE_DATA_DIR']) {
      process.env['GANTRY_EXAMPLE_DATA_DIR'] = mkdtempSync(path.join(os.tmpdir(), 'gantry-browser-flights-'));
    }
    const agentToken = mintToken('agent');
    registerTestSecret(agentToken.value, 'agent token');
    await prisma.agentToken.create({ data: { orgId: org.id, name: 'browser-test agent', tokenHash: agentToken.hash, prefix: agentToken.prefix, deploymentIds: [] } });
    agent = await startAgent({
      controlPlaneAddress: cp.grpcAddress,
      token: agentToken.value,
      name: 'browser-test-agent',
      stateDir: mkdtempSync(path.join(os.tmpdir(), 'gantry-browser-agent-')),
      codeLocationPaths: codeLocations,
      maxConcurrentRuns: 2,
      logLevel: 'warn',
      ...options.agent,
    });
  }

  const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.value}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data: T; errors?: unknown[] };
    if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  const browsers: TestBrowser[] = [];
  const screenshot = screenshotter(options.suite);
  const openConsole = async (path = '/'): Promise<Page> => {
    const browser = await launchBrowser();
    browsers.push(browser);
    const page = await browser.newPage();
    await page.goto(`${baseUrl}${path}`);
    return page;
  };
  let people = 0;

  return {
    db,
    prisma,
    cp,
    agent,
    baseUrl,
    orgId: org.id,
    orgSlug,
    realm,
    apiToken: api.value,
    gql,
    async addUser(role, name) {
      people += 1;
      const display = name ?? `${role.charAt(0)}${role.slice(1).toLowerCase()} Person ${people}`;
      const [first = display, ...rest] = display.split(' ');
      let user: ConsoleUser;
      if (realm) {
        const created = await realm.createUser({ firstName: first, lastName: rest.join(' ') || 'Tester' });
        registerTestSecret(created.password, 'Keycloak password');
        user = { name: display, email: created.email.toLowerCase(), username: created.username, password: created.password, subject: created.id, role };
      } else {
        user = { name: display, email: `person-${people}-${Date.now().toString(36)}@example.test`, role };
      }
      // Seeded as the owner would (an Owner invitation needs an Owner): accepted at the person's first sign-in.
      await prisma.invitation.create({ data: { orgId: org.id, email: user.email, role, invitedBy: 'browser test', expiresAt: new Date(Date.now() + 24 * 3600 * 1000) } });
      return user;
    },
    openConsole,
    async signIn(user, path = '/') {
      const page = await openConsole(path);
      if (realm) await typeKeycloakCredentials(page, user.username ?? '', user.password ?? '');
      else await typeDevIssuerIdentity(page, user.name, user.email);
      try {
        // The console's main region: the shell of an organization, or the organization chooser.
        await page.waitForSelector('main#main', { timeout: 30_000 });
      } catch (error) {
        await screenshot(page, `sign-in-failed-${user.role.toLowerCase()}`).catch(() => undefined);
        throw new Error(`the console did not render after ${user.email} signed in (at ${page.url()}); browser problems: ${JSON.stringify(browsers.flatMap((b) => b.problems))}`, { cause: error });
      }
      return page;
    },
    screenshot,
    url: (rest) => `${baseUrl}/${orgSlug}/prod/${rest.replace(/^\//, '')}`,
    async waitForAsset(key, timeoutMs = 30_000) {
      for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
        const { assets } = await gql<{ assets: { key: string }[] }>('{ assets { key } }');
        if (assets.some((a) => a.key === key)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`asset ${key} never appeared in the catalog`);
    },
    async waitForRun(runId, timeoutMs = 240_000) {
      let run = { status: 'QUEUED', failureReason: null as string | null };
      for (const deadline = Date.now() + timeoutMs; !['SUCCESS', 'FAILURE', 'CANCELED'].includes(run.status); ) {
        if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 200));
        run = (await gql<{ run: typeof run }>('query($id: ID!) { run(id: $id) { status failureReason } }', { id: runId })).run;
      }
      return run;
    },
    browserProblems: () => browsers.flatMap((b) => b.problems),
    async close() {
      for (const b of browsers) await b.close();
      await agent?.stop();
      await cp.close();
      await prisma.$disconnect();
      await db.drop();
      await realm?.delete();
    },
  };
}
