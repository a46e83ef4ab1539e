import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { SCHEMA_FILE } from '../app.module';

const SCHEMA_HEADER = '# Generated from the code-first resolvers; checked by the drift test in api.spec.ts.\n\n';
import { createTenant, startApiHarness, type ApiHarness, type Tenant } from './testing/api-test-kit';
import { loadApiLimitsConfig } from './limits/api-limits.config';

const MAX_QUERY_DEPTH = loadApiLimitsConfig({}).graphqlMaxDepth;

describe('GraphQL edge', () => {
  let h: ApiHarness;
  let tenant: Tenant;
  before(async () => {
    h = await startApiHarness();
    tenant = await createTenant(h.prisma);
  });
  after(async () => {
    await h.close();
  });

  test('serverInfo is public: it answers without a token', async () => {
    const r = await h.gql<{ serverInfo: { agentProtocol: string } }>(undefined, '{ serverInfo { agentProtocol } }');
    assert.equal(r.status, 200);
    assert.equal(r.data?.serverInfo.agentProtocol, 'gantry.agent.v1');
  });

  test('a syntax error is a 400 with GRAPHQL_PARSE_FAILED and the position', async () => {
    const r = await h.gql(tenant.token, '{ deployments { name }');
    assert.equal(r.status, 400);
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'GRAPHQL_PARSE_FAILED');
    assert.match(r.errors?.[0]?.message ?? '', /Syntax Error/);
  });

  test('an unknown field is a 400 with GRAPHQL_VALIDATION_FAILED naming the field', async () => {
    const r = await h.gql(tenant.token, '{ deployments { name nope } }');
    assert.equal(r.status, 400);
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'GRAPHQL_VALIDATION_FAILED');
    assert.match(r.errors?.[0]?.message ?? '', /Cannot query field "nope" on type "Deployment"/);
  });

  test('a variable of the wrong type is a 400 with BAD_USER_INPUT', async () => {
    const r = await h.gql(tenant.token, 'query($first: Int) { runs(first: $first) { edges { cursor } } }', { first: 'ten' });
    assert.equal(r.status, 400);
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.match(r.errors?.[0]?.message ?? '', /\$first/);
  });

  test(`operations nested deeper than ${MAX_QUERY_DEPTH} levels are refused before running`, async () => {
    let selection = 'key';
    for (let i = 0; i < MAX_QUERY_DEPTH; i++) selection = `upstream { ${selection} }`;
    const r = await h.gql(tenant.token, `{ assets { ${selection} } }`);
    assert.equal(r.status, 400);
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'QUERY_TOO_DEEP');
    const ok = await h.gql(tenant.token, '{ assets { upstream { upstream { key } } } }');
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.data, { assets: [] });
  });

  test('the committed schema.graphql is exactly the schema the code builds (no drift)', async () => {
    const built = `${SCHEMA_HEADER}${printSchema(lexicographicSortSchema(h.server.app.get(GraphQLSchemaHost).schema))}\n`;
    if (process.env['UPDATE_SCHEMA'] === '1') await writeFile(SCHEMA_FILE, built);
    const schema = await readFile(SCHEMA_FILE, 'utf8');
    assert.equal(schema, built, 'schema.graphql is stale: run `UPDATE_SCHEMA=1 npm test -- api.spec` and commit it');
    for (const line of [
      'launchRun(input: LaunchRunInput!): Run!',
      'cancelRun(id: ID!): Run!',
      'runEvents(afterSeq: Int! = 0, runId: ID!): RunEvent!',
      'agents: [Agent!]!',
    ]) {
      assert.ok(schema.includes(line), `schema.graphql lacks ${line}`);
    }
  });
});
