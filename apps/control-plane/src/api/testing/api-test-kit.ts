/**
 * Test kit of the public API: a real control plane on a fresh database, a
 * Prisma client to seed rows, factories that make a unique organization per
 * call, and HTTP / graphql-ws clients. Used by the `*.spec.ts` files of
 * src/api, src/auth, src/catalog, src/runs and src/agents-view.
 */
import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createPrismaClient, createTestDatabase, type Prisma, type PrismaClient, type TestDatabase } from '@gantry/db';
import { mintToken, type RunStatus } from '@gantry/domain';
import { registerTestSecret } from '@gantry/telemetry/testing';
import { loadControlPlaneConfig } from '../../config/control-plane.config';
import { testRunLogger } from '../../logging/testing/test-run-logger';
import { startControlPlane, type RunningControlPlane } from '../../server';

/** A running control plane on its own database, with a seeding client. */
export interface ApiHarness {
  db: TestDatabase;
  server: RunningControlPlane;
  prisma: PrismaClient;
  /** POST /graphql with an optional bearer token. */
  gql<T = Record<string, unknown>>(token: string | undefined, query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>>;
  /** A graphql-ws client sending `authorization` in connectionParams (when a token is given). */
  ws(token: string | undefined): Client;
  close(): Promise<void>;
}

/** An HTTP GraphQL answer: status and parsed body. */
export interface GqlResponse<T> {
  status: number;
  headers: Headers;
  data: T | null | undefined;
  errors: { message: string; extensions?: Record<string, unknown> }[] | undefined;
}

/**
 * Starts the real server (HTTP and gRPC on port 0) on a fresh database cloned
 * from the migrated template. `env` sets configuration variables (e.g.
 * `{ GANTRY_GRAPHQL_MAX_COST: '50' }`).
 */
export async function startApiHarness(options: { env?: Record<string, string> } = {}): Promise<ApiHarness> {
  const db = await createTestDatabase();
  // Under `npm test` the server logs at debug into the run's log folder, which is checked for registered secrets.
  const logger = testRunLogger();
  const config = loadControlPlaneConfig(options.env ?? {}, { databaseUrl: db.appUrl, httpPort: 0, grpcPort: 0, logLevel: 'warn' });
  const server = await startControlPlane(config, logger ? { logger } : {});
  const prisma = createPrismaClient({ databaseUrl: db.url, maxConnections: 4 });
  const clients: Client[] = [];
  return {
    db,
    server,
    prisma,
    async gql<T>(token: string | undefined, query: string, variables: Record<string, unknown> = {}): Promise<GqlResponse<T>> {
      const res = await fetch(`${server.httpUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: T | null; errors?: GqlResponse<T>['errors'] };
      return { status: res.status, headers: res.headers, data: body.data, errors: body.errors };
    },
    ws(token: string | undefined): Client {
      const client = createClient({
        url: `${server.httpUrl.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
        retryAttempts: 0,
        lazy: true,
      });
      clients.push(client);
      return client;
    },
    async close(): Promise<void> {
      await Promise.all(clients.map((c) => c.dispose()));
      await prisma.$disconnect();
      await server.close();
      await db.drop();
    },
  };
}

/** A fresh organization with a `prod` deployment (and any others) and a valid API token. */
export interface Tenant {
  orgId: string;
  slug: string;
  deployments: Record<string, string>;
  /** Id of the `prod` deployment. */
  prodId: string;
  token: string;
  tokenId: string;
}

/** Creates a unique organization with the named deployments (always `prod`) and an API token. */
export async function createTenant(prisma: PrismaClient, deploymentNames: string[] = []): Promise<Tenant> {
  const slug = `org-${randomUUID().slice(0, 8)}`;
  const org = await prisma.organization.create({ data: { slug, name: slug } });
  const deployments: Record<string, string> = {};
  for (const name of ['prod', ...deploymentNames.filter((n) => n !== 'prod')]) {
    deployments[name] = (await prisma.deployment.create({ data: { orgId: org.id, name } })).id;
  }
  const token = await createApiToken(prisma, org.id);
  return { orgId: org.id, slug, deployments, prodId: deployments['prod']!, token: token.value, tokenId: token.id };
}

/** Creates an API token; `expiresAt`/`revokedAt` make it invalid on purpose. */
export async function createApiToken(prisma: PrismaClient, orgId: string, options: { expiresAt?: Date; revokedAt?: Date } = {}): Promise<{ value: string; id: string }> {
  const t = mintToken('api');
  registerTestSecret(t.value, 'API token');
  const row = await prisma.apiToken.create({ data: { orgId, name: `t-${t.prefix}`, tokenHash: t.hash, prefix: t.prefix, ...options } });
  return { value: t.value, id: row.id };
}

/** An asset to seed; keys are "a/b" strings; `deps` name other assets of the same code location. */
export interface AssetSeed {
  key: string;
  group?: string;
  owners?: string[];
  tags?: Record<string, string>;
  kinds?: string[];
  description?: string;
  codeVersion?: string;
  partitions?: Prisma.InputJsonObject;
  deps?: string[];
  checks?: { name: string; blocking?: boolean; description?: string }[];
  active?: boolean;
}

/** A seeded code location: ids of its rows and of its assets by key. */
export interface SeededLocation {
  id: string;
  name: string;
  deploymentId: string;
  version: number | null;
  assets: Record<string, string>;
}

/**
 * Seeds a code location (with a current version unless `version: null`), its
 * assets, checks and dependency edges, as the code-location sync would.
 */
export async function createCodeLocation(
  prisma: PrismaClient,
  tenant: Tenant,
  options: { name?: string; deployment?: string; version?: number | null; assets: AssetSeed[] },
): Promise<SeededLocation> {
  const name = options.name ?? `loc-${randomUUID().slice(0, 6)}`;
  const deploymentId = tenant.deployments[options.deployment ?? 'prod']!;
  const location = await prisma.codeLocation.create({ data: { orgId: tenant.orgId, deploymentId, name } });
  const version = options.version === undefined ? 1 : options.version;
  if (version !== null) {
    const v = await prisma.codeLocationVersion.create({
      data: { orgId: tenant.orgId, codeLocationId: location.id, version, digest: randomUUID().replace(/-/g, ''), definition: { name, assets: options.assets.map((a) => a.key) } },
    });
    await prisma.codeLocation.update({ where: { id: location.id }, data: { currentVersionId: v.id } });
  }
  const assets: Record<string, string> = {};
  for (const a of options.assets) {
    const row = await prisma.asset.create({
      data: {
        orgId: tenant.orgId,
        deploymentId,
        codeLocationId: location.id,
        key: a.key,
        keyPath: a.key.split('/'),
        groupName: a.group ?? 'default',
        owners: a.owners ?? [],
        tags: a.tags ?? {},
        kinds: a.kinds ?? [],
        description: a.description ?? null,
        codeVersion: a.codeVersion ?? null,
        ...(a.partitions ? { partitionsDefinition: a.partitions } : {}),
        active: a.active ?? true,
      },
    });
    assets[a.key] = row.id;
    for (const c of a.checks ?? []) {
      await prisma.assetCheck.create({ data: { orgId: tenant.orgId, assetId: row.id, name: c.name, blocking: c.blocking ?? false, description: c.description ?? null } });
    }
  }
  for (const a of options.assets) {
    for (const dep of a.deps ?? []) {
      await prisma.assetDependency.create({ data: { orgId: tenant.orgId, deploymentId, assetId: assets[a.key]!, upstreamAssetId: assets[dep]! } });
    }
  }
  return { id: location.id, name, deploymentId, version, assets };
}

/** Seeds a run row directly (as dispatch and ingest would leave it). */
export async function createRun(
  prisma: PrismaClient,
  tenant: Tenant,
  location: SeededLocation,
  options: { status?: RunStatus; assetKeys?: string[]; createdAt?: Date; agentId?: string | null; failureReason?: string } = {},
): Promise<string> {
  const row = await prisma.run.create({
    data: {
      orgId: tenant.orgId,
      deploymentId: location.deploymentId,
      codeLocationId: location.id,
      codeLocationVersion: location.version ?? 1,
      status: options.status ?? 'QUEUED',
      assetKeys: options.assetKeys ?? Object.keys(location.assets),
      agentId: options.agentId ?? null,
      failureReason: options.failureReason ?? null,
      ...(options.createdAt ? { createdAt: options.createdAt } : {}),
    },
  });
  return row.id;
}

/** Seeds an agent (as the gRPC AgentService would on connect). */
export async function createAgent(prisma: PrismaClient, tenant: Tenant, options: { name?: string; deploymentIds?: string[]; connected?: boolean } = {}): Promise<string> {
  const token = mintToken('agent');
  const agentToken = await prisma.agentToken.create({ data: { orgId: tenant.orgId, name: 'agent', tokenHash: token.hash, prefix: token.prefix, deploymentIds: [] } });
  const row = await prisma.agent.create({
    data: {
      orgId: tenant.orgId,
      agentTokenId: agentToken.id,
      name: options.name ?? `agent-${randomUUID().slice(0, 6)}`,
      version: '0.1.0',
      launcher: 'process',
      slots: 4,
      deploymentIds: options.deploymentIds ?? [tenant.prodId],
      connected: options.connected ?? true,
      connectedAt: new Date(),
      lastHeartbeatAt: new Date(),
    },
  });
  return row.id;
}

/** Appends run events with the given seqs (type LOG unless told) as the ingest would, without notifying. */
export async function insertRunEvents(
  prisma: PrismaClient,
  orgId: string,
  runId: string,
  events: { seq: number; type?: string; message?: string; assetKey?: string; payload?: Prisma.InputJsonObject }[],
): Promise<void> {
  await prisma.runEvent.createMany({
    data: events.map((e) => ({
      orgId,
      runId,
      seq: e.seq,
      type: e.type ?? 'LOG',
      level: 'info',
      message: e.message ?? `event ${e.seq}`,
      assetKey: e.assetKey ?? null,
      payload: (e.payload ?? {}) as Prisma.InputJsonObject,
      timestamp: new Date(),
    })),
  });
}

/** Resolves when `predicate` holds, polling every 20 ms; rejects after `timeoutMs`. */
export async function eventually(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
