import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pgExecutor, verifyAuditChain } from '@gantry/db';
import { createAgentToken, createOrg } from '../agents/testing/factories';
import { startTestControlPlane, type TestControlPlane } from '../agents/testing/harness';
import { eventually, TestAgent } from '../agents/testing/test-agent';

let t: TestControlPlane;
before(async () => {
  t = await startTestControlPlane();
});
after(async () => {
  await t.close();
});

interface Row {
  seq: string;
  action: string;
  actor_kind: string;
  actor_id: string;
  actor_label: string;
  target_type: string;
  target_id: string;
  after: Record<string, unknown> | null;
  source_ip: string | null;
  user_agent: string | null;
}

test('an agent session records agent.connect and agent.disconnect, actor the agent token, never the token', async () => {
  const org = await createOrg(t.prisma);
  const other = await createOrg(t.prisma);
  const { token, id: tokenId } = await createAgentToken(t.prisma, org.orgId, { name: 'cluster token' });
  const agent = await TestAgent.connect(t.address, token, { name: 'cluster-1', freeSlots: 2, launcher: 'kubernetes' });
  const rows = (q: string) => t.pool.query<Row>(`SELECT * FROM audit_events WHERE org_id = $1 ${q} ORDER BY audit_events.seq`, [org.orgId]).then((r) => r.rows);
  const [connect] = await eventually(async () => {
    const r = await rows("AND action = 'agent.connect'");
    return r.length > 0 && r;
  }, 20_000);
  assert.deepEqual(
    { kind: connect?.actor_kind, id: connect?.actor_id, label: connect?.actor_label, target: [connect?.target_type, connect?.target_id], ip: connect?.source_ip },
    { kind: 'agent', id: tokenId, label: 'cluster-1', target: ['agent', agent.agentId], ip: '127.0.0.1' },
  );
  assert.deepEqual(connect?.after, { name: 'cluster-1', version: '0.0.0-test', launcher: 'kubernetes', slots: 2, deployments: 'all' });
  assert.match(connect?.user_agent ?? '', /grpc-node-js/);

  agent.close();
  const all = await eventually(async () => {
    const r = await rows('');
    return r.some((x) => x.action === 'agent.disconnect') && r;
  }, 20_000);
  assert.deepEqual(all.map((r) => [Number(r.seq), r.action]), [[1, 'agent.connect'], [2, 'agent.disconnect']]);
  assert.equal(all[1]?.actor_id, tokenId);
  assert.ok(!JSON.stringify(all).includes(token.slice(13)), 'the agent token never reaches the audit log');
  assert.equal((await t.pool.query('SELECT 1 FROM audit_events WHERE org_id = $1', [other.orgId])).rowCount, 0, 'only the agent\'s organization');
  assert.deepEqual(await verifyAuditChain(pgExecutor(t.pool), org.orgId), { ok: true, eventsChecked: 2, firstBrokenSeq: null, reason: null });
});

test('a refused Hello records nothing', async () => {
  const org = await createOrg(t.prisma);
  const { token } = await createAgentToken(t.prisma, org.orgId);
  const agent = TestAgent.open(t.address, token);
  agent.send({ hello: { agent: { name: 'x', version: '1', launcher: 'process', deployments: ['no-such-deployment'] }, freeSlots: 1, runningRunIds: [] } });
  const status = await agent.status;
  agent.close();
  assert.notEqual(status.code, 0);
  assert.equal((await t.pool.query('SELECT 1 FROM audit_events WHERE org_id = $1', [org.orgId])).rowCount, 0);
});
