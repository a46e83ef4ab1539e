import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QueryCounter } from '../database/prisma.service';
import {
  createAgent,
  createCodeLocation,
  createRun,
  createTenant,
  insertRunEvents,
  startApiHarness,
  type ApiHarness,
  type SeededLocation,
  type Tenant,
} from '../api/testing/api-test-kit';

type RunsPage = {
  runs: { edges: { cursor: string; node: { id: string; status: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
};

describe('run queries', () => {
  let h: ApiHarness;
  let a: Tenant;
  let b: Tenant;
  let loc: SeededLocation;
  let agentId: string;
  const runIds: string[] = [];
  let otherRunId: string;

  before(async () => {
    h = await startApiHarness();
    a = await createTenant(h.prisma, ['staging']);
    b = await createTenant(h.prisma);
    loc = await createCodeLocation(h.prisma, a, { name: 'flights', assets: [{ key: 'x/a' }, { key: 'x/b' }] });
    agentId = await createAgent(h.prisma, a, { name: 'k8s-eu', deploymentIds: [a.prodId, a.deployments['staging']!] });
    const statuses = ['SUCCESS', 'FAILURE', 'STARTED', 'QUEUED', 'CANCELED'] as const;
    const base = Date.parse('2024-05-01T00:00:00Z');
    for (let i = 0; i < 25; i++) {
      const status = statuses[i % statuses.length]!;
      runIds.push(
        await createRun(h.prisma, a, loc, {
          status,
          assetKeys: i % 2 === 0 ? ['x/a'] : ['x/a', 'x/b'],
          // Pairs of runs share a timestamp so the id tie-breaker is exercised.
          createdAt: new Date(base + Math.floor(i / 2) * 60_000),
          agentId: status === 'QUEUED' ? null : agentId,
          ...(status === 'FAILURE' ? { failureReason: 'exit code 1' } : {}),
        }),
      );
    }
    const bLoc = await createCodeLocation(h.prisma, b, { name: 'flights', assets: [{ key: 'x/a' }] });
    const bAgent = await createAgent(h.prisma, b, { name: 'k8s-eu' });
    otherRunId = await createRun(h.prisma, b, bLoc, { status: 'SUCCESS', agentId: bAgent, createdAt: new Date(base + 3_600_000) });
  });
  after(async () => {
    await h.close();
  });

  async function allPages(token: string, variables: Record<string, unknown>): Promise<RunsPage['runs']['edges'][number]['node'][]> {
    const query = 'query($first: Int!, $after: String, $status: [RunStatus!], $assetKey: String) { runs(first: $first, after: $after, status: $status, assetKey: $assetKey) { edges { cursor node { id status } } pageInfo { hasNextPage endCursor } } }';
    const nodes: RunsPage['runs']['edges'][number]['node'][] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 50; guard++) {
      const r: Awaited<ReturnType<typeof h.gql<RunsPage>>> = await h.gql<RunsPage>(token, query, { ...variables, after });
      assert.equal(r.status, 200, JSON.stringify(r.errors));
      const page = r.data!.runs;
      nodes.push(...page.edges.map((e) => e.node));
      if (page.edges.length) assert.equal(page.pageInfo.endCursor, page.edges.at(-1)!.cursor);
      if (!page.pageInfo.hasNextPage) return nodes;
      after = page.pageInfo.endCursor;
    }
    throw new Error('pagination did not end');
  }

  test('runs pages newest first through every run exactly once, never another org', async () => {
    const nodes = await allPages(a.token, { first: 10 });
    assert.equal(nodes.length, 25);
    assert.equal(new Set(nodes.map((n) => n.id)).size, 25);
    const rows = await h.prisma.run.findMany({ where: { orgId: a.orgId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    assert.deepEqual(nodes.map((n) => n.id), rows.map((r) => r.id));
    assert.ok(!nodes.some((n) => n.id === otherRunId));
    const bNodes = await allPages(b.token, { first: 10 });
    assert.deepEqual(bNodes.map((n) => n.id), [otherRunId]);
  });

  test('runs filters by statuses and by asset key', async () => {
    const finished = await allPages(a.token, { first: 7, status: ['SUCCESS', 'FAILURE'] });
    assert.equal(finished.length, 10);
    assert.ok(finished.every((n) => n.status === 'SUCCESS' || n.status === 'FAILURE'));
    const withB = await allPages(a.token, { first: 100, assetKey: 'x/b' });
    assert.equal(withB.length, 12);
    const none = await allPages(a.token, { first: 5, assetKey: 'x/none' });
    assert.deepEqual(none, []);
  });

  test('runs of another deployment, unknown deployments, bad cursors and page sizes', async () => {
    const staging = await h.gql<RunsPage>(a.token, '{ runs(deployment: "staging") { edges { cursor } pageInfo { hasNextPage endCursor } } }');
    assert.deepEqual(staging.data?.runs, { edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
    const unknown = await h.gql(a.token, '{ runs(deployment: "nope") { edges { cursor } } }');
    assert.equal(unknown.errors?.[0]?.extensions?.['code'], 'DEPLOYMENT_NOT_FOUND');
    const bad = await h.gql(a.token, '{ runs(after: "eyJ4IjoxfQ") { edges { cursor } } }');
    assert.equal(bad.errors?.[0]?.extensions?.['code'], 'INVALID_CURSOR');
    const zero = await h.gql(a.token, '{ runs(first: 0) { edges { cursor } } }');
    assert.equal(zero.errors?.[0]?.extensions?.['code'], 'INVALID_ARGUMENT');
    const page = await h.gql<RunsPage>(a.token, '{ runs(first: 1) { edges { cursor } pageInfo { endCursor } } }');
    const foreign = await h.gql(a.token, `{ assetMaterializations(key: "x/a", after: "${page.data!.runs.pageInfo.endCursor}") { edges { cursor } } }`);
    assert.equal(foreign.errors?.[0]?.extensions?.['code'], 'INVALID_CURSOR', 'a runs cursor is refused by another list');
  });

  test('run(id) shows status, selection, agent, failure and timestamps; other org and malformed ids are null', async () => {
    const failed = runIds[1]!;
    const r = await h.gql<{ run: Record<string, unknown> & { agent: { name: string; deployments: string[] } } }>(
      a.token,
      `query($id: ID!) { run(id: $id) { id status assetKeys partitionKey partitionRange { start end } tags { key value } codeLocationVersion failureReason launchedBy createdAt startedAt endedAt
        deployment { name } codeLocation { name currentVersion } agent { name launcher slots connected lastHeartbeatAt deployments } } }`,
      { id: failed },
    );
    assert.equal(r.status, 200, JSON.stringify(r.errors));
    assert.equal(r.data?.run['status'], 'FAILURE');
    assert.deepEqual(r.data?.run['assetKeys'], ['x/a', 'x/b']);
    assert.equal(r.data?.run['failureReason'], 'exit code 1');
    assert.equal(r.data?.run['partitionKey'], null);
    assert.equal(r.data?.run['codeLocationVersion'], 1);
    assert.deepEqual(r.data?.run['deployment'], { name: 'prod' });
    assert.deepEqual(r.data?.run['codeLocation'], { name: 'flights', currentVersion: 1 });
    assert.equal(r.data?.run.agent.name, 'k8s-eu');
    assert.deepEqual(r.data?.run.agent.deployments, ['prod', 'staging']);
    assert.equal(r.data?.run['createdAt'], '2024-05-01T00:00:00.000Z');
    const queued = await h.gql<{ run: { agent: null } }>(a.token, 'query($id: ID!) { run(id: $id) { agent { name } } }', { id: runIds[3] });
    assert.equal(queued.data?.run.agent, null);
    const foreign = await h.gql<{ run: null }>(a.token, 'query($id: ID!) { run(id: $id) { id } }', { id: otherRunId });
    assert.equal(foreign.status, 200);
    assert.equal(foreign.data?.run, null);
    const malformed = await h.gql<{ run: null }>(a.token, '{ run(id: "not-a-uuid") { id } }');
    assert.equal(malformed.data?.run, null);
  });

  test('run.events pages by seq; rows of another org never show', async () => {
    const id = runIds[0]!;
    await insertRunEvents(h.prisma, a.orgId, id, [1, 2, 3, 4, 5].map((seq) => ({ seq, type: seq === 5 ? 'RUN_SUCCESS' : 'LOG', payload: { n: seq } })));
    // A row claiming our run id under the other organization: only a missing org filter would return it.
    await insertRunEvents(h.prisma, b.orgId, id, [{ seq: 6, message: 'leak' }]);
    type Events = { run: { events: { edges: { cursor: string; node: { seq: number; type: string; payload: unknown; runId: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } };
    const q = 'query($id: ID!, $after: String) { run(id: $id) { events(first: 2, after: $after) { edges { cursor node { seq type payload runId message timestamp level assetKey } } pageInfo { hasNextPage endCursor } } } }';
    const p1 = await h.gql<Events>(a.token, q, { id });
    assert.deepEqual(p1.data?.run.events.edges.map((e) => [e.cursor, e.node.seq]), [['1', 1], ['2', 2]]);
    assert.deepEqual(p1.data?.run.events.edges[0]?.node.payload, { n: 1 });
    assert.equal(p1.data?.run.events.pageInfo.hasNextPage, true);
    const p2 = await h.gql<Events>(a.token, q, { id, after: p1.data?.run.events.pageInfo.endCursor });
    assert.deepEqual(p2.data?.run.events.edges.map((e) => e.node.seq), [3, 4]);
    const p3 = await h.gql<Events>(a.token, q, { id, after: '4' });
    assert.deepEqual(p3.data?.run.events.edges.map((e) => [e.node.seq, e.node.type]), [[5, 'RUN_SUCCESS']]);
    assert.equal(p3.data?.run.events.pageInfo.hasNextPage, false);
    const bad = await h.gql<Events>(a.token, q, { id, after: 'abc' });
    assert.equal(bad.errors?.[0]?.extensions?.['code'], 'INVALID_CURSOR');
  });

  test('agents lists the organization agents with their deployments, never another org', async () => {
    const r = await h.gql<{ agents: { id: string; name: string; version: string; launcher: string; slots: number; connected: boolean; lastHeartbeatAt: string; deployments: string[] }[] }>(
      a.token,
      '{ agents { id name version launcher slots connected lastHeartbeatAt deployments } }',
    );
    assert.equal(r.status, 200, JSON.stringify(r.errors));
    assert.equal(r.data?.agents.length, 1);
    const [agent] = r.data!.agents;
    assert.deepEqual([agent?.id, agent?.name, agent?.version, agent?.launcher, agent?.slots, agent?.connected], [agentId, 'k8s-eu', '0.1.0', 'process', 4, true]);
    assert.deepEqual(agent?.deployments, ['prod', 'staging']);
    assert.ok(agent?.lastHeartbeatAt);
    const rb = await h.gql<{ agents: { id: string; deployments: string[] }[] }>(b.token, '{ agents { id deployments } }');
    assert.equal(rb.data?.agents.length, 1);
    assert.notEqual(rb.data?.agents[0]?.id, agentId);
    assert.deepEqual(rb.data?.agents[0]?.deployments, ['prod']);
  });

  test('no N+1: the statement count of a run list with its relations is the same for 5 and 50 runs', async (t0) => {
    const t = await createTenant(h.prisma, ['five', 'fifty']);
    for (const [deployment, n] of [['five', 5], ['fifty', 50]] as const) {
      const l = await createCodeLocation(h.prisma, t, { deployment, assets: [{ key: 'n/a' }] });
      const agent = await createAgent(h.prisma, t, { name: `agent-${deployment}`, deploymentIds: [t.deployments[deployment]!] });
      for (let i = 0; i < n; i++) {
        const run = await createRun(h.prisma, t, l, { status: 'STARTED', agentId: i % 2 ? agent : (await createAgent(h.prisma, t, { deploymentIds: [t.deployments[deployment]!] })) });
        await insertRunEvents(h.prisma, t.orgId, run, [{ seq: 1 }, { seq: 2 }]);
      }
    }
    const counter = h.server.app.get(QueryCounter);
    const query = `query($d: String!) { runs(deployment: $d, first: 100) { edges { node { id status
      agent { name deployments } deployment { name } codeLocation { name assetCount currentVersion }
      events(first: 5) { edges { node { seq } } } } } } }`;
    await h.gql(t.token, query, { d: 'five' });
    await new Promise((r) => setTimeout(r, 100));
    const counts: number[] = [];
    const statements: string[][] = [];
    for (const [d, n] of [['five', 5], ['fifty', 50]] as const) {
      counter.reset();
      const r = await h.gql<{ runs: { edges: { node: { agent: { name: string }; events: { edges: unknown[] } } }[] } }>(t.token, query, { d });
      assert.equal(r.status, 200, JSON.stringify(r.errors));
      assert.equal(r.data?.runs.edges.length, n);
      assert.ok(r.data?.runs.edges.every((e) => e.node.agent.name && e.node.events.edges.length === 2));
      counts.push(counter.count);
      statements.push([...counter.statements]);
    }
    assert.equal(counts[0], counts[1], `5 runs: ${counts[0]} statements, 50 runs: ${counts[1]}\n${statements.map((s) => s.join('\n')).join('\n----\n')}`);
    assert.ok(counts[0]! <= 12, `expected a small constant, got ${counts[0]}`);
    t0.diagnostic(`statements per request: ${counts.join(' / ')}`);
  });
});
