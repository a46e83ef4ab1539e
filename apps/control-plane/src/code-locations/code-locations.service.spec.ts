import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { codeLocationFileSchema, normalizeDefinition } from '@gantry/code-location';
import { createAgentToken, createDeployment, createOrg } from '../agents/testing/factories';
import { startTestControlPlane, type TestControlPlane } from '../agents/testing/harness';
import { reportCodeLocations } from '../agents/testing/test-agent';

let t: TestControlPlane;
before(async () => {
  t = await startTestControlPlane();
});
after(async () => {
  await t.close();
});

/** The definition JSON an agent sends for a gantry.yaml-shaped object (normalized like the agent does). */
function definitionJson(file: Record<string, unknown>): string {
  return JSON.stringify(normalizeDefinition(codeLocationFileSchema.parse(file), '/srv/code'));
}

const flightsV1 = {
  name: 'flights',
  command: 'python pipeline.py',
  assets: [
    {
      key: 'flights/raw',
      group: 'ingest',
      owners: ['team:data'],
      kinds: ['duckdb'],
      tags: { tier: 'bronze' },
      description: 'raw flights',
      codeVersion: 'v1',
      partitions: { type: 'static', keys: ['a', 'b'] },
      checks: [{ name: 'not_empty', blocking: true }],
    },
    { key: ['flights', 'clean'], deps: ['flights/raw'], checks: [{ name: 'no_nulls' }] },
    { key: 'flights/report', deps: [['flights', 'clean']] },
  ],
};

async function graph(deploymentId: string) {
  const assets = await t.prisma.asset.findMany({ where: { deploymentId }, orderBy: { key: 'asc' }, include: { checks: { orderBy: { name: 'asc' } } } });
  const deps = await t.prisma.assetDependency.findMany({ where: { deploymentId } });
  const keyOf = new Map(assets.map((a) => [a.id, a.key]));
  return {
    assets,
    edges: deps.map((d) => `${keyOf.get(d.assetId)} <- ${keyOf.get(d.upstreamAssetId)}`).sort(),
  };
}

async function refused(token: string, locations: Array<{ deployment: string; name: string; definitionJson: string }>): Promise<grpc.ServiceError> {
  return reportCodeLocations(t.address, token, { locations }).then(
    () => assert.fail('the report was accepted'),
    (e: grpc.ServiceError) => e,
  );
}

describe('ReportCodeLocations', () => {
  test('stores version 1 and the asset graph: assets, dependencies, checks', async () => {
    const org = await createOrg(t.prisma);
    const { token } = await createAgentToken(t.prisma, org.orgId);
    const res = await reportCodeLocations(t.address, token, { locations: [{ deployment: 'prod', name: 'flights', definitionJson: definitionJson(flightsV1) }] });
    assert.deepEqual(res.results, [{ deployment: 'prod', name: 'flights', version: 1, changed: true }]);

    const location = await t.prisma.codeLocation.findUniqueOrThrow({
      where: { deploymentId_name: { deploymentId: org.prodDeploymentId, name: 'flights' } },
      include: { versions: true },
    });
    assert.equal(location.versions.length, 1);
    assert.equal(location.currentVersionId, location.versions[0]!.id);
    assert.equal(location.versions[0]!.version, 1);
    assert.match(location.versions[0]!.digest, /^[0-9a-f]{64}$/);

    const g = await graph(org.prodDeploymentId);
    assert.deepEqual(g.assets.map((a) => a.key), ['flights/clean', 'flights/raw', 'flights/report']);
    const raw = g.assets.find((a) => a.key === 'flights/raw')!;
    assert.deepEqual(raw.keyPath, ['flights', 'raw']);
    assert.equal(raw.groupName, 'ingest');
    assert.deepEqual(raw.owners, ['team:data']);
    assert.deepEqual(raw.kinds, ['duckdb']);
    assert.deepEqual(raw.tags, { tier: 'bronze' });
    assert.equal(raw.description, 'raw flights');
    assert.equal(raw.codeVersion, 'v1');
    assert.deepEqual(raw.partitionsDefinition, { type: 'static', keys: ['a', 'b'] });
    assert.ok(g.assets.every((a) => a.active && a.codeLocationId === location.id && a.orgId === org.orgId));
    assert.deepEqual(g.edges, ['flights/clean <- flights/raw', 'flights/report <- flights/clean']);
    assert.deepEqual(raw.checks.map((c) => [c.name, c.blocking]), [['not_empty', true]]);
    assert.deepEqual(g.assets.find((a) => a.key === 'flights/clean')!.checks.map((c) => c.name), ['no_nulls']);
  });

  test('is idempotent: the same definition again creates no version and keeps every row', async () => {
    const org = await createOrg(t.prisma);
    const { token } = await createAgentToken(t.prisma, org.orgId);
    const loc = { deployment: 'prod', name: 'flights', definitionJson: definitionJson(flightsV1) };
    await reportCodeLocations(t.address, token, { locations: [loc] });
    const before = await graph(org.prodDeploymentId);
    const again = await reportCodeLocations(t.address, token, { locations: [loc] });
    assert.deepEqual(again.results, [{ deployment: 'prod', name: 'flights', version: 1, changed: false }]);
    assert.equal(await t.prisma.codeLocationVersion.count({ where: { orgId: org.orgId } }), 1);
    const afterwards = await graph(org.prodDeploymentId);
    assert.deepEqual(afterwards.assets.map((a) => [a.id, a.updatedAt.getTime()]), before.assets.map((a) => [a.id, a.updatedAt.getTime()]));
    assert.deepEqual(afterwards.edges, before.edges);
  });

  test('a changed definition becomes version 2: vanished assets inactive, graph and checks rebuilt; going back re-points to version 1', async () => {
    const org = await createOrg(t.prisma);
    const { token } = await createAgentToken(t.prisma, org.orgId);
    await reportCodeLocations(t.address, token, { locations: [{ deployment: 'prod', name: 'flights', definitionJson: definitionJson(flightsV1) }] });
    const v2 = {
      ...flightsV1,
      assets: [
        { key: 'flights/raw', codeVersion: 'v2', checks: [{ name: 'fresh' }] },
        { key: 'flights/summary', deps: ['flights/raw'] },
      ],
    };
    const res = await reportCodeLocations(t.address, token, { locations: [{ deployment: '', name: 'flights', definitionJson: definitionJson(v2) }] });
    assert.deepEqual(res.results, [{ deployment: 'prod', name: 'flights', version: 2, changed: true }]);
    const g = await graph(org.prodDeploymentId);
    assert.deepEqual(g.assets.map((a) => [a.key, a.active]), [
      ['flights/clean', false],
      ['flights/raw', true],
      ['flights/report', false],
      ['flights/summary', true],
    ]);
    assert.equal(g.assets.find((a) => a.key === 'flights/raw')!.codeVersion, 'v2');
    assert.deepEqual(g.edges, ['flights/summary <- flights/raw']);
    assert.deepEqual(g.assets.flatMap((a) => a.checks.map((c) => `${a.key}:${c.name}`)), ['flights/raw:fresh']);

    const back = await reportCodeLocations(t.address, token, { locations: [{ deployment: 'prod', name: 'flights', definitionJson: definitionJson(flightsV1) }] });
    assert.deepEqual(back.results, [{ deployment: 'prod', name: 'flights', version: 1, changed: true }]);
    assert.equal(await t.prisma.codeLocationVersion.count({ where: { orgId: org.orgId } }), 2);
    const restored = await graph(org.prodDeploymentId);
    assert.deepEqual(restored.assets.map((a) => [a.key, a.active]), [
      ['flights/clean', true],
      ['flights/raw', true],
      ['flights/report', true],
      ['flights/summary', false],
    ]);
    assert.deepEqual(restored.edges, ['flights/clean <- flights/raw', 'flights/report <- flights/clean']);
  });

  test('an invalid definition is INVALID_ARGUMENT with every problem named, and nothing of the request is stored', async () => {
    const org = await createOrg(t.prisma);
    const { token } = await createAgentToken(t.prisma, org.orgId);
    const good = { deployment: 'prod', name: 'flights', definitionJson: definitionJson(flightsV1) };
    const e1 = await refused(token, [good, { deployment: 'prod', name: 'broken', definitionJson: '{not json' }]);
    assert.equal(e1.code, grpc.status.INVALID_ARGUMENT);
    assert.match(e1.details, /locations\[1\] \("broken"\): definition_json is not valid JSON/);

    const e2 = await refused(token, [{ deployment: 'prod', name: 'Bad Name', definitionJson: JSON.stringify({ name: 'Bad Name', command: [], assets: [] }) }]);
    assert.equal(e2.code, grpc.status.INVALID_ARGUMENT);
    assert.match(e2.details, /name: code location names are lower-case/);
    assert.match(e2.details, /command: /);
    assert.match(e2.details, /assets: /);

    const cyclic = { name: 'cyc', command: ['x'], assets: [{ key: 'a', deps: ['b'] }, { key: 'b', deps: ['a'] }] };
    const e3 = await refused(token, [{ deployment: 'prod', name: 'cyc', definitionJson: JSON.stringify({ ...cyclic, workingDirectory: '/x' }) }]);
    assert.match(e3.details, /dependency cycle/);
    assert.equal(e3.metadata.get('gantry-error-code')[0], 'INVALID_CODE_LOCATION');

    assert.equal(await t.prisma.codeLocation.count({ where: { orgId: org.orgId } }), 0);
  });

  test('a deployment the token may not serve, or that does not exist, is INVALID_ARGUMENT; prod is created when missing', async () => {
    const org = await createOrg(t.prisma);
    const stagingId = await createDeployment(t.prisma, org.orgId, 'staging');
    const scoped = await createAgentToken(t.prisma, org.orgId, { deploymentIds: [stagingId] });
    const staging = { ...flightsV1, deployment: 'staging' };

    const ok = await reportCodeLocations(t.address, scoped.token, { locations: [{ deployment: 'staging', name: 'flights', definitionJson: definitionJson(staging) }] });
    assert.equal(ok.results[0]?.version, 1);
    const e = await refused(scoped.token, [{ deployment: 'prod', name: 'flights', definitionJson: definitionJson(flightsV1) }]);
    assert.equal(e.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(e.details, 'deployment "prod" does not exist or this token may not serve it');

    const all = await createAgentToken(t.prisma, org.orgId);
    const e2 = await refused(all.token, [{ deployment: 'nope', name: 'flights', definitionJson: definitionJson({ ...flightsV1, deployment: 'nope' }) }]);
    assert.equal(e2.details, 'deployment "nope" does not exist or this token may not serve it');

    // An organization whose prod deployment is missing gets it on the first report.
    const bare = await t.prisma.organization.create({ data: { slug: `bare-${Date.now()}`, name: 'bare' } });
    const bareToken = await createAgentToken(t.prisma, bare.id);
    const res = await reportCodeLocations(t.address, bareToken.token, { locations: [{ deployment: 'prod', name: 'flights', definitionJson: definitionJson(flightsV1) }] });
    assert.equal(res.results[0]?.version, 1);
    assert.equal(await t.prisma.deployment.count({ where: { orgId: bare.id, name: 'prod' } }), 1);
  });

  test('a name or deployment that disagrees with the definition is refused', async () => {
    const org = await createOrg(t.prisma);
    const { token } = await createAgentToken(t.prisma, org.orgId);
    const e = await refused(token, [{ deployment: 'staging', name: 'flights', definitionJson: definitionJson(flightsV1) }]);
    assert.match(e.details, /deployment "staging" differs from the definition's deployment "prod"/);
    const e2 = await refused(token, [{ deployment: 'prod', name: 'other', definitionJson: definitionJson(flightsV1) }]);
    assert.match(e2.details, /name "other" differs/);
  });

  test('an asset already defined by another code location of the deployment is refused', async () => {
    const org = await createOrg(t.prisma);
    const { token } = await createAgentToken(t.prisma, org.orgId);
    await reportCodeLocations(t.address, token, { locations: [{ deployment: 'prod', name: 'flights', definitionJson: definitionJson(flightsV1) }] });
    const thief = { name: 'thief', command: ['x'], assets: [{ key: 'flights/raw' }] };
    const innocent = { name: 'innocent', command: ['x'], assets: [{ key: 'weather/raw' }] };
    const e = await refused(token, [
      { deployment: 'prod', name: 'innocent', definitionJson: definitionJson(innocent) },
      { deployment: 'prod', name: 'thief', definitionJson: definitionJson(thief) },
    ]);
    assert.equal(e.code, grpc.status.INVALID_ARGUMENT);
    assert.match(e.details, /flights\/raw \(in flights\)/);
    // One transaction: the valid location reported before the conflicting one was rolled back too.
    assert.equal(await t.prisma.codeLocation.count({ where: { orgId: org.orgId, name: { in: ['thief', 'innocent'] } } }), 0);
    assert.equal(await t.prisma.asset.count({ where: { orgId: org.orgId, key: 'weather/raw' } }), 0);
  });

  test('concurrent reports of the same locations (in any order) store one version each and never deadlock', async () => {
    const org = await createOrg(t.prisma);
    const { token } = await createAgentToken(t.prisma, org.orgId);
    const one = { deployment: 'prod', name: 'flights', definitionJson: definitionJson(flightsV1) };
    const two = { deployment: 'prod', name: 'weather', definitionJson: definitionJson({ name: 'weather', command: ['w'], assets: [{ key: 'weather/raw' }] }) };
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => reportCodeLocations(t.address, token, { locations: i % 2 === 0 ? [one, two] : [two, one] })),
    );
    for (const [i, r] of results.entries()) {
      assert.deepEqual(r.results.map((x) => [x.name, x.version]), i % 2 === 0 ? [['flights', 1], ['weather', 1]] : [['weather', 1], ['flights', 1]]);
    }
    assert.equal(results.flatMap((r) => r.results).filter((x) => x.changed).length, 2, 'each location changed exactly once');
    assert.equal(await t.prisma.codeLocationVersion.count({ where: { orgId: org.orgId } }), 2);
  });

  test('tenants are isolated: the same names in another organization are untouched', async () => {
    const a = await createOrg(t.prisma, 'a');
    const b = await createOrg(t.prisma, 'b');
    const ta = await createAgentToken(t.prisma, a.orgId);
    const tb = await createAgentToken(t.prisma, b.orgId);
    await reportCodeLocations(t.address, tb.token, { locations: [{ deployment: 'prod', name: 'flights', definitionJson: definitionJson(flightsV1) }] });
    const bBefore = await graph(b.prodDeploymentId);
    const v2 = { ...flightsV1, assets: [{ key: 'only/a' }] };
    const res = await reportCodeLocations(t.address, ta.token, { locations: [{ deployment: 'prod', name: 'flights', definitionJson: definitionJson(v2) }] });
    assert.deepEqual(res.results, [{ deployment: 'prod', name: 'flights', version: 1, changed: true }]);
    const bAfter = await graph(b.prodDeploymentId);
    assert.deepEqual(bAfter.assets.map((x) => [x.id, x.active, x.updatedAt.getTime()]), bBefore.assets.map((x) => [x.id, x.active, x.updatedAt.getTime()]));
    assert.deepEqual((await graph(a.prodDeploymentId)).assets.map((x) => x.key), ['only/a']);
    assert.equal(await t.prisma.codeLocationVersion.count({ where: { orgId: b.orgId } }), 1);
  });
});
