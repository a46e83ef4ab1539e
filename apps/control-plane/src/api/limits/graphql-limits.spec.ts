import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildSchema, getIntrospectionQuery, parse } from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import WebSocket from 'ws';
import { createTenant, startApiHarness, type ApiHarness, type Tenant } from '../testing/api-test-kit';
import { ASSUMED_LIST_SIZE, queryCostEstimator } from './query-cost.estimator';

type WireError = { message: string; extensions?: Record<string, unknown> };

/** Runs one operation over graphql-ws; resolves to its errors (the `error` message) or its first result. */
async function overWs(h: ApiHarness, token: string, query: string, variables: Record<string, unknown> = {}): Promise<{ errors?: WireError[]; data?: unknown }> {
  const client = h.ws(token);
  try {
    return await new Promise((resolve, reject) => {
      client.subscribe(
        { query, variables },
        {
          next: (result) => resolve(result as { errors?: WireError[]; data?: unknown }),
          error: (error) => (Array.isArray(error) ? resolve({ errors: error as WireError[] }) : reject(error instanceof Error ? error : new Error(JSON.stringify(error)))),
          complete: () => resolve({}),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

/** `{ assets { upstream { … { key } } } }` nested `depth` field levels deep. */
function chain(depth: number): string {
  let selection = 'key';
  for (let i = 0; i < depth - 2; i++) selection = `upstream { ${selection} }`;
  return `{ assets { ${selection} } }`;
}

const MAX_DEPTH = 8;
/** 7 levels deep and cheap (one run, one event). */
const NARROW_DEEP = '{ runs(first: 1) { edges { node { events(first: 1) { edges { node { seq } } } } } } }';
const MAX_COST = 500;
const MAX_QUERY_CHARS = 2000;
const MAX_REQUEST_BYTES = 4096;

describe('GraphQL edge limits (HTTP and graphql-ws)', () => {
  let h: ApiHarness;
  let tenant: Tenant;
  before(async () => {
    h = await startApiHarness({
      env: {
        GANTRY_GRAPHQL_MAX_DEPTH: String(MAX_DEPTH),
        GANTRY_GRAPHQL_MAX_COST: String(MAX_COST),
        GANTRY_GRAPHQL_MAX_QUERY_CHARS: String(MAX_QUERY_CHARS),
        GANTRY_MAX_REQUEST_BYTES: String(MAX_REQUEST_BYTES),
      },
    });
    tenant = await createTenant(h.prisma);
  });
  after(async () => {
    await h.close();
  });

  test('depth: one level over GANTRY_GRAPHQL_MAX_DEPTH is 400 QUERY_TOO_DEEP naming limit and depth; within it a narrow query runs', async () => {
    const r = await h.gql(tenant.token, chain(MAX_DEPTH + 1));
    assert.equal(r.status, 400);
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'QUERY_TOO_DEEP');
    assert.deepEqual(r.errors?.[0], {
      message: 'operation is nested 9 levels deep; the limit is 8 (GANTRY_GRAPHQL_MAX_DEPTH)',
      extensions: { code: 'QUERY_TOO_DEEP', setting: 'GANTRY_GRAPHQL_MAX_DEPTH', limit: 8, actual: 9 },
    });
    const atLimit = await h.gql(tenant.token, chain(MAX_DEPTH));
    assert.equal(atLimit.errors?.[0]?.extensions?.['code'], 'QUERY_TOO_COSTLY', 'at the depth limit the graph walk passes the depth rule, and its fan-out is what the cost rule refuses');
    const ok = await h.gql(tenant.token, NARROW_DEEP);
    assert.equal(ok.status, 200, JSON.stringify(ok.errors));
    assert.deepEqual(ok.data, { runs: { edges: [] } });
  });

  test('depth counts through fragments, and a fragment fan-out is measured without blowing up', async () => {
    const viaFragments = 'query Deep { assets { ...A } } fragment A on Asset { upstream { ...B } } fragment B on Asset { upstream { upstream { upstream { upstream { upstream { upstream { key } } } } } } }';
    const r = await h.gql(tenant.token, viaFragments);
    assert.equal(r.status, 400);
    assert.equal(r.errors?.[0]?.message, 'operation Deep is nested 9 levels deep; the limit is 8 (GANTRY_GRAPHQL_MAX_DEPTH)');
    // 30 fragments, each spreading the next twice: 2^30 paths if expanded naively.
    const fragments = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Asset { key ${i < 29 ? `... F${i + 1} ... on Asset { ...F${i + 1} }` : ''} }`).join(' ');
    const fan = await h.gql(tenant.token, `{ assets { ...F0 } } ${fragments}`);
    assert.notEqual(fan.errors?.[0]?.extensions?.['code'], 'INTERNAL_SERVER_ERROR');
    assert.equal(fan.status, 400, JSON.stringify(fan.errors));
  });

  test('depth over graphql-ws: the same operation is refused with the same error', async () => {
    const r = await overWs(h, tenant.token, chain(MAX_DEPTH + 1));
    assert.equal(r.errors?.[0]?.message, 'operation is nested 9 levels deep; the limit is 8 (GANTRY_GRAPHQL_MAX_DEPTH)');
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'QUERY_TOO_DEEP');
    assert.deepEqual(r.errors?.[0]?.extensions, { code: 'QUERY_TOO_DEEP', setting: 'GANTRY_GRAPHQL_MAX_DEPTH', limit: 8, actual: 9 }, 'same extensions as over HTTP, no http field');
    const ok = await overWs(h, tenant.token, NARROW_DEEP);
    assert.deepEqual(ok.data, { runs: { edges: [] } });
  });

  test('cost: large pages of nested lists are 400 QUERY_TOO_COSTLY with limit and cost; small pages run', async () => {
    const query = 'query Runs($n: Int!, $m: Int!) { runs(first: $n) { edges { node { id events(first: $m) { edges { node { seq } } } } } } }';
    const r = await h.gql(tenant.token, query, { n: 100, m: 100 });
    assert.equal(r.status, 400);
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'QUERY_TOO_COSTLY');
    assert.equal(r.errors?.[0]?.extensions?.['limit'], MAX_COST);
    assert.equal(r.errors?.[0]?.extensions?.['setting'], 'GANTRY_GRAPHQL_MAX_COST');
    const cost = r.errors?.[0]?.extensions?.['actual'];
    assert.equal(cost, 100 * (1 + 1 + 1 + 100 * (1 + 1 + 1)));
    assert.match(r.errors?.[0]?.message ?? '', new RegExp(`^operation costs ${String(cost)} points; the limit is ${MAX_COST} \\(GANTRY_GRAPHQL_MAX_COST\\)`));
    const ok = await h.gql(tenant.token, query, { n: 5, m: 10 });
    assert.equal(ok.status, 200, JSON.stringify(ok.errors));
  });

  test('cost uses argument defaults (runs(first: Int! = 20)) and literal page sizes', async () => {
    const r = await h.gql(tenant.token, '{ runs { edges { node { events { edges { node { seq } } } } } } }');
    assert.equal(r.errors?.[0]?.extensions?.['actual'], 20 * (1 + 1 + 1 + 100 * 3));
    const literal = await h.gql(tenant.token, '{ runs(first: 3) { edges { node { events(first: 50) { edges { node { seq } } } } } } }');
    assert.equal(literal.status, 200, JSON.stringify(literal.errors));
  });

  test('cost over graphql-ws: variables count the same way', async () => {
    const query = 'query Runs($n: Int!) { runs(first: $n) { edges { node { events(first: $n) { edges { node { seq } } } } } } }';
    const r = await overWs(h, tenant.token, query, { n: 100 });
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'QUERY_TOO_COSTLY');
    assert.equal(r.errors?.[0]?.extensions?.['actual'], 100 * (3 + 100 * 3));
    const ok = await overWs(h, tenant.token, query, { n: 2 });
    assert.deepEqual(ok.data, { runs: { edges: [] } });
    const subscription = 'subscription($n: Int!) { runStatus(runId: "00000000-0000-4000-8000-000000000000") { events(first: $n) { edges { node { seq } } } } }';
    const costly = await overWs(h, tenant.token, subscription, { n: 200 });
    assert.equal(costly.errors?.[0]?.extensions?.['code'], 'QUERY_TOO_COSTLY', 'subscriptions are limited too');
    assert.equal(costly.errors?.[0]?.extensions?.['actual'], 1 + 200 * 3);
    const allowed = await overWs(h, tenant.token, subscription, { n: 10 });
    assert.equal(allowed.errors?.[0]?.extensions?.['code'], 'RUN_NOT_FOUND', 'within the limits it runs (and the run is unknown)');
  });

  test('the standard introspection query passes both limits (introspection is neither deep nor costly)', async () => {
    const r = await h.gql<{ __schema: { types: unknown[] } }>(tenant.token, getIntrospectionQuery());
    assert.equal(r.status, 200, JSON.stringify(r.errors));
    assert.ok((r.data?.__schema.types.length ?? 0) > 10);
  });

  test('a wrongly typed variable is still the executor\'s BAD_USER_INPUT, not a limit error', async () => {
    const r = await h.gql(tenant.token, 'query($n: Int!) { runs(first: $n) { edges { cursor } } }', { n: 'ten' });
    assert.equal(r.status, 400);
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
  });

  test('query text over GANTRY_GRAPHQL_MAX_QUERY_CHARS is 413 QUERY_TOO_LONG over HTTP (POST and GET) and refused over graphql-ws', async () => {
    const query = `{ serverInfo { version } } # ${'x'.repeat(MAX_QUERY_CHARS)}`;
    const r = await h.gql(tenant.token, query);
    assert.equal(r.status, 413);
    assert.deepEqual(r.errors?.[0], {
      message: `query text is ${query.length} characters; the limit is ${MAX_QUERY_CHARS} (GANTRY_GRAPHQL_MAX_QUERY_CHARS)`,
      extensions: { code: 'QUERY_TOO_LONG', setting: 'GANTRY_GRAPHQL_MAX_QUERY_CHARS', limit: MAX_QUERY_CHARS, actual: query.length },
    });
    const get = await fetch(`${h.server.httpUrl}/graphql?query=${encodeURIComponent(query)}`, { headers: { 'apollo-require-preflight': 'true' } });
    assert.equal(get.status, 413);
    const ws = await overWs(h, tenant.token, query);
    assert.equal(ws.errors?.[0]?.extensions?.['code'], 'QUERY_TOO_LONG');
    assert.equal(ws.errors?.[0]?.extensions?.['actual'], query.length);
    const ok = await h.gql(tenant.token, `{ serverInfo { version } } # ${'x'.repeat(MAX_QUERY_CHARS - 40)}`);
    assert.equal(ok.status, 200);
  });

  test('an HTTP body over GANTRY_MAX_REQUEST_BYTES is 413 REQUEST_TOO_LARGE as JSON naming limit and size', async () => {
    const body = JSON.stringify({ query: 'query($x: String) { serverInfo { version } }', variables: { x: 'y'.repeat(MAX_REQUEST_BYTES) } });
    const res = await fetch(`${h.server.httpUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.token}` }, body });
    assert.equal(res.status, 413);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const size = Buffer.byteLength(body);
    assert.deepEqual(await res.json(), {
      errors: [{
        message: `request body is ${size} bytes; the limit is ${MAX_REQUEST_BYTES} bytes (GANTRY_MAX_REQUEST_BYTES)`,
        extensions: { code: 'REQUEST_TOO_LARGE', setting: 'GANTRY_MAX_REQUEST_BYTES', limit: MAX_REQUEST_BYTES, actual: size },
      }],
    });
  });

  test('malformed JSON is a 400 BAD_REQUEST as JSON, not an HTML error page', async () => {
    const res = await fetch(`${h.server.httpUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { errors: WireError[] };
    assert.equal(body.errors[0]?.extensions?.['code'], 'BAD_REQUEST');
    assert.match(body.errors[0]?.message ?? '', /^request body is not valid JSON/);
  });

  test('a graphql-ws message over GANTRY_MAX_REQUEST_BYTES closes the socket with 1009 (message too big); smaller ones pass', async () => {
    const socket = new WebSocket(`${h.server.httpUrl.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const closed = new Promise<{ code: number }>((resolve) => socket.once('close', (code) => resolve({ code })));
    const acked = new Promise<void>((resolve) => socket.once('message', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${tenant.token}` } }));
    await acked;
    const replies: string[] = [];
    socket.on('message', (m: Buffer) => replies.push(m.toString('utf8')));
    const answered = new Promise<void>((resolve) => socket.on('message', (m: Buffer) => m.toString('utf8').includes('"complete"') && resolve()));
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: '{ serverInfo { version } }' } }));
    await answered;
    socket.send(JSON.stringify({ id: '2', type: 'subscribe', payload: { query: '{ serverInfo { version } }', variables: { pad: 'p'.repeat(MAX_REQUEST_BYTES) } } }));
    assert.equal((await closed).code, 1009);
    assert.ok(replies.some((r) => r.includes('"id":"1"') && r.includes('"next"')), `the small message was answered: ${replies.join(' | ')}`);
  });
});

describe('query cost estimator', () => {
  const schema = buildSchema(`
    type Query { items(first: Int = 20): ItemConnection!, all: [Item!]!, one: Item, weighted: Item }
    type ItemConnection { edges: [ItemEdge!]!, pageInfo: Info! }
    type ItemEdge { node: Item! }
    type Info { hasNextPage: Boolean! }
    type Item { id: ID!, tags: [String!]!, children(limit: Int): [Item!]! }
  `);
  const cost = (query: string, variables: Record<string, unknown> = {}): number =>
    getComplexity({ schema, query: parse(query), variables, estimators: [queryCostEstimator({ weights: { 'Query.weighted': 7 } })] });

  test('introspection is free', () => {
    assert.equal(cost(getIntrospectionQuery()), 0);
    assert.equal(cost('{ __type(name: "Item") { fields { name } } one { id } }'), 1);
  });

  test('scalars are free, objects cost their weight, lists without a page size count the assumed size', () => {
    assert.equal(cost('{ one { id tags } }'), 1);
    assert.equal(cost('{ weighted { id } }'), 7);
    assert.equal(cost('{ all { id } }'), ASSUMED_LIST_SIZE);
    assert.equal(cost('{ all { children { id } } }'), ASSUMED_LIST_SIZE * (1 + ASSUMED_LIST_SIZE));
  });

  test('first/limit multiply (defaults included), and a connection\'s edges are not multiplied twice', () => {
    assert.equal(cost('{ items { edges { node { id } } } }'), 20 * (1 + 1 + 1));
    assert.equal(cost('query($n: Int) { items(first: $n) { edges { node { children(limit: 4) { id } } } } }', { n: 3 }), 3 * (1 + 1 + 1 + 4));
    assert.equal(cost('{ items(first: 0) { edges { node { id } } } }'), 0);
  });
});
