import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPrismaClient, createTestDatabase, type PrismaClient, type TestDatabase } from '@gantry/db';
import { mintToken } from '@gantry/domain';
import { registerTestSecret } from '@gantry/telemetry/testing';
import { startAgent, type AgentOptions, type RunningAgent } from '@gantry/agent';
import { loadControlPlaneConfig, startControlPlane, type ControlPlaneConfig, type RunningControlPlane } from '@gantry/control-plane';

/** A real control plane and a real agent on loopback, over a fresh test database. */
export interface Stack {
  db: TestDatabase;
  prisma: PrismaClient;
  cp: RunningControlPlane;
  agent: RunningAgent;
  /** Agent token of the stack's agent, and the options it was started with (to start it again). */
  agentToken: string;
  agentOptions: AgentOptions;
  orgId: string;
  apiToken: string;
  /** Runs a GraphQL operation with the API token; throws on GraphQL errors. */
  gql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Polls `run(id)` until it is terminal; returns status and failure reason. */
  waitForRun(runId: string, timeoutMs?: number): Promise<{ status: string; failureReason: string | null }>;
  close(): Promise<void>;
}

/** Writes a throwaway code location (gantry.yaml + files) into a temp dir; returns the yaml path. */
export function writeCodeLocation(yaml: string, files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-e2e-location-'));
  writeFileSync(path.join(dir, 'gantry.yaml'), yaml);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return path.join(dir, 'gantry.yaml');
}

/** Starts database, control plane and agent; the org has a `prod` deployment, an API token and an agent token. */
export async function startStack(codeLocationPaths: string[], cpOverrides: Partial<ControlPlaneConfig> = {}, agentOverrides: Partial<AgentOptions> = {}): Promise<Stack> {
  const db = await createTestDatabase();
  const prisma = createPrismaClient({ databaseUrl: db.url });
  const org = await prisma.organization.create({ data: { slug: `e2e-${Date.now()}`, name: 'E2E' } });
  await prisma.deployment.create({ data: { orgId: org.id, name: 'prod' } });
  const api = mintToken('api');
  await prisma.apiToken.create({ data: { orgId: org.id, name: 'e2e', tokenHash: api.hash, prefix: api.prefix } });
  const agentToken = mintToken('agent');
  registerTestSecret(api.value, 'API token');
  registerTestSecret(agentToken.value, 'agent token');
  await prisma.agentToken.create({ data: { orgId: org.id, name: 'e2e', tokenHash: agentToken.hash, prefix: agentToken.prefix, deploymentIds: [] } });
  const cp = await startControlPlane(loadControlPlaneConfig({}, { databaseUrl: db.appUrl, httpPort: 0, grpcPort: 0, logLevel: 'warn', ...cpOverrides }));
  const state = mkdtempSync(path.join(os.tmpdir(), 'gantry-e2e-agent-'));
  const agentOptions: AgentOptions = { controlPlaneAddress: cp.grpcAddress, token: agentToken.value, name: 'e2e-agent', stateDir: state, codeLocationPaths, maxConcurrentRuns: 2, logLevel: 'warn', ...agentOverrides };
  const agent = await startAgent(agentOptions);

  const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await fetch(`${cp.httpUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.value}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data: T; errors?: unknown[] };
    if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  const waitForRun = async (runId: string, timeoutMs = 120_000) => {
    let run = { status: 'QUEUED', failureReason: null as string | null };
    for (const deadline = Date.now() + timeoutMs; !['SUCCESS', 'FAILURE', 'CANCELED'].includes(run.status); ) {
      if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
      run = (await gql<{ run: typeof run }>('query($id: ID!) { run(id: $id) { status failureReason } }', { id: runId })).run;
    }
    return run;
  };
  return {
    db,
    prisma,
    cp,
    agent,
    agentToken: agentToken.value,
    agentOptions,
    orgId: org.id,
    apiToken: api.value,
    gql,
    waitForRun,
    close: async () => {
      await agent.stop();
      await cp.close();
      await prisma.$disconnect();
      await db.drop();
    },
  };
}

/** Waits until the catalog lists `key` (the agent reports its code locations after connecting). */
export async function waitForAsset(stack: Stack, key: string, timeoutMs = 30_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    const { assets } = await stack.gql<{ assets: { key: string }[] }>('{ assets { key } }');
    if (assets.some((a) => a.key === key)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`asset ${key} never appeared in the catalog`);
}
