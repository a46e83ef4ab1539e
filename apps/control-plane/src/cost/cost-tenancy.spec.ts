/**
 * Tenant isolation of the cost tables, with the service running as a role
 * without BYPASSRLS (as `gantry db migrate --app-role` creates it): the ingest
 * writes each organization's costs through TenantDb, row-level security lets
 * a transaction see and write only the rows of its `gantry.org_id`, and
 * nothing at all without it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { createPrismaClient, createTestDatabase, migrateDatabase, type PrismaClient, type TestDatabase } from '@gantry/db';
import type { WireRunEvent } from '@gantry/proto';
import { createAgentToken, createCodeLocation, createOrg, queueRun } from '../agents/testing/factories';
import { TestAgent } from '../agents/testing/test-agent';
import { loadControlPlaneConfig } from '../config/control-plane.config';
import { startControlPlane, type RunningControlPlane } from '../server';

const COST_TABLES = ['cost_records', 'cost_daily_rollups', 'cost_asset_totals', 'cost_budgets', 'cost_alerts'];
let db: TestDatabase;
let owner: PrismaClient;
let ownerPool: pg.Pool;
let appUrl: string;
let role: string;
let cp: RunningControlPlane;

before(async () => {
  db = await createTestDatabase();
  role = `cost_app_${randomBytes(4).toString('hex')}`;
  await migrateDatabase({ databaseUrl: db.url, appRole: role, log: () => undefined });
  ownerPool = new pg.Pool({ connectionString: db.url, max: 2 });
  await ownerPool.query(`ALTER ROLE ${role} PASSWORD 'app'`);
  const u = new URL(db.url);
  u.username = role;
  u.password = 'app';
  appUrl = u.toString();
  owner = createPrismaClient({ databaseUrl: db.url, maxConnections: 2 });
  cp = await startControlPlane(loadControlPlaneConfig({}, { databaseUrl: appUrl, httpPort: 0, grpcPort: 0, logLevel: 'silent' }));
});
after(async () => {
  await cp.close();
  await owner.$disconnect();
  await ownerPool.query(`REASSIGN OWNED BY ${role} TO CURRENT_USER; DROP OWNED BY ${role}`).catch(() => undefined);
  await ownerPool.end();
  await db.drop();
  const admin = new pg.Client({ connectionString: process.env['GANTRY_TEST_SERVER_URL'] });
  await admin.connect();
  await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  await admin.end();
});

const ev = (runId: string, seq: number, type: string, extra: Partial<WireRunEvent> = {}): WireRunEvent => ({
  runId, seq, type, timestampMs: Date.now(), level: '', message: '', assetKey: '', payloadJson: '{}', ...extra,
});

async function tenantWithCosts(usd: number) {
  const org = await createOrg(owner);
  const { token } = await createAgentToken(owner, org.orgId);
  const loc = await createCodeLocation(owner, { orgId: org.orgId, deploymentId: org.prodDeploymentId, assets: [{ key: 'a/x' }] });
  await owner.costBudget.create({ data: { orgId: org.orgId, deploymentId: org.prodDeploymentId, name: 'b', scope: 'DEPLOYMENT', period: 'MONTH', limitUsd: '0.5', webhookUrl: 'http://127.0.0.1:9/unused' } });
  const agent = await TestAgent.connect(cp.grpcAddress, token, { name: `agent-${usd}`, freeSlots: 5 });
  const runId = await queueRun(ownerPool, { orgId: org.orgId, deploymentId: org.prodDeploymentId, codeLocationId: loc.codeLocationId, assetKeys: ['a/x'] });
  await agent.next('assignment', (m) => m.assignment!.runId === runId);
  agent.events([
    ev(runId, 1, 'RUN_STARTED'),
    ev(runId, 2, 'ASSET_MATERIALIZATION', { assetKey: 'a/x', payloadJson: JSON.stringify({ metadata: { 'gantry/cost_usd': { raw_value: usd, type: 'float' } } }) }),
    ev(runId, 3, 'RUN_RESOURCE_USAGE', { payloadJson: JSON.stringify({ cpuSeconds: 1, wallSeconds: 2, memoryGbSeconds: 0.5, priced: { usd: '0.000050000' } }) }),
  ]);
  await agent.next('acks');
  agent.close();
  return org.orgId;
}

test('cost tables: each organization sees and writes only its own rows through the non-BYPASSRLS role', async () => {
  const orgA = await tenantWithCosts(1.5);
  const orgB = await tenantWithCosts(2.5);
  const app = new pg.Client({ connectionString: appUrl });
  await app.connect();
  try {
    const { rows: flags } = await app.query<{ rolbypassrls: boolean; rolsuper: boolean }>('SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = current_user');
    assert.deepEqual(flags[0], { rolbypassrls: false, rolsuper: false });
    const asOrg = async (orgId: string | null, sql: string) => {
      await app.query('BEGIN');
      try {
        if (orgId) await app.query("SELECT set_config('gantry.org_id', $1, true)", [orgId]);
        return (await app.query<{ org_id: string }>(sql)).rows;
      } finally {
        await app.query('ROLLBACK');
      }
    };
    for (const table of COST_TABLES) {
      const a = await asOrg(orgA, `SELECT org_id FROM ${table}`);
      const b = await asOrg(orgB, `SELECT org_id FROM ${table}`);
      assert.ok(a.length > 0 && a.every((r) => r.org_id === orgA), `${table}: org A sees its rows only`);
      assert.ok(b.length > 0 && b.every((r) => r.org_id === orgB), `${table}: org B sees its rows only`);
      // Without gantry.org_id: nothing, on a fresh session and on a pooled one that had it set before (the setting reverts to '').
      const fresh = new pg.Client({ connectionString: appUrl });
      await fresh.connect();
      assert.equal((await fresh.query(`SELECT org_id FROM ${table}`)).rowCount, 0, `${table}: nothing without gantry.org_id`);
      await fresh.end();
      assert.equal((await asOrg(null, `SELECT org_id FROM ${table}`)).length, 0, `${table}: nothing with an emptied gantry.org_id`);
    }
    const spent = async (orgId: string) => (await asOrg(orgId, "SELECT org_id, sum(amount)::text AS s FROM cost_daily_rollups WHERE unit = 'USD' GROUP BY org_id"))[0] as unknown as { s: string };
    assert.equal((await spent(orgA)).s, '1.500050000');
    assert.equal((await spent(orgB)).s, '2.500050000');
    // Writing another organization's row is refused by the policy's WITH CHECK.
    await app.query('BEGIN');
    await app.query("SELECT set_config('gantry.org_id', $1, true)", [orgA]);
    await assert.rejects(
      app.query(`INSERT INTO cost_budgets (id, org_id, deployment_id, name, scope, period, limit_usd, webhook_url) VALUES (gen_random_uuid(), $1, gen_random_uuid(), 'x', 'DEPLOYMENT', 'DAY', 1, 'http://x')`, [orgB]),
      /row-level security/,
    );
    await app.query('ROLLBACK');
    // Both budgets crossed (1.5 and 2.5 USD of 0.5) and each alert stayed in its organization.
    assert.equal((await asOrg(orgA, 'SELECT org_id FROM cost_alerts')).length, 2);
  } finally {
    await app.end();
  }
});
