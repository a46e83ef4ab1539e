import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { CHANNELS } from '../database/pg-listener';
import { createAgent, createCodeLocation, createRun, createTenant, eventually, startApiHarness, type ApiHarness, type SeededLocation, type Tenant } from '../api/testing/api-test-kit';

interface Note {
  channel: string;
  payload: Record<string, unknown>;
  /** Status of the run as seen by a separate connection when the notification arrived. */
  visibleStatus?: string | null;
}

const LAUNCH = `mutation($input: LaunchRunInput!) { launchRun(input: $input) {
  id status assetKeys partitionKey partitionRange { start end } tags { key value } codeLocationVersion launchedBy createdAt
  deployment { name } codeLocation { name } } }`;
const CANCEL = 'mutation($id: ID!) { cancelRun(id: $id) { id status endedAt agent { id } } }';

type LaunchResult = { launchRun: { id: string; status: string; assetKeys: string[]; partitionKey: string | null; partitionRange: { start: string; end: string } | null; tags: { key: string; value: string }[]; codeLocationVersion: number; launchedBy: string; deployment: { name: string }; codeLocation: { name: string } } };

describe('launchRun and cancelRun', () => {
  let h: ApiHarness;
  let a: Tenant;
  let b: Tenant;
  let flights: SeededLocation;
  let listener: pg.Client;
  let observer: pg.Client;
  const notes: Note[] = [];
  /** Observer reads still in flight; awaited before the observer closes so none outlives the suite. */
  const reads = new Set<Promise<unknown>>();

  before(async () => {
    h = await startApiHarness();
    a = await createTenant(h.prisma);
    b = await createTenant(h.prisma);
    const monthly = { type: 'time', cron: 'monthly', start: '2001-01', end: '2001-03' };
    flights = await createCodeLocation(h.prisma, a, {
      name: 'flights',
      version: 2,
      assets: [
        { key: 'f/raw', partitions: monthly },
        { key: 'f/clean', partitions: monthly, deps: ['f/raw'] },
        { key: 'f/summary', deps: ['f/clean'] },
        { key: 'f/static', partitions: { type: 'static', keys: ['eu', 'us'] } },
        { key: 'f/gone', active: false },
      ],
    });
    await createCodeLocation(h.prisma, a, { name: 'weather', assets: [{ key: 'w/daily' }] });
    await createCodeLocation(h.prisma, a, { name: 'pending', version: null, assets: [{ key: 'p/x' }] });
    await createCodeLocation(h.prisma, b, { name: 'flights', assets: [{ key: 'f/b-only' }, { key: 'f/raw' }] });

    observer = new pg.Client({ connectionString: h.db.url });
    await observer.connect();
    listener = new pg.Client({ connectionString: h.db.url });
    await listener.connect();
    listener.on('notification', (msg) => {
      const payload = JSON.parse(msg.payload ?? '{}') as Record<string, unknown>;
      const note: Note = { channel: msg.channel, payload };
      notes.push(note);
      // What a dispatcher woken by this notification would read.
      const read = observer
        .query<{ status: string }>('SELECT status::text AS status FROM runs WHERE id = $1', [payload['runId']])
        .then(
          (r) => (note.visibleStatus = r.rows[0]?.status ?? null),
          (e: Error) => (note.visibleStatus = `read failed: ${e.message}`),
        )
        .finally(() => reads.delete(read));
      reads.add(read);
    });
    for (const channel of Object.values(CHANNELS)) await listener.query(`LISTEN ${channel}`);
  });
  after(async () => {
    await listener.end();
    await Promise.allSettled(reads);
    await observer.end();
    await h.close();
  });

  async function launchError(input: Record<string, unknown>, token = a.token): Promise<{ code: unknown; message: string; extensions: Record<string, unknown> }> {
    const before = await h.prisma.run.count();
    const r = await h.gql(token, LAUNCH, { input });
    assert.equal(r.status, 200);
    const e = r.errors?.[0];
    assert.ok(e, `expected an error for ${JSON.stringify(input)}`);
    assert.equal(await h.prisma.run.count(), before, 'a refused launch inserts nothing');
    return { code: e.extensions?.['code'], message: e.message, extensions: e.extensions ?? {} };
  }

  test('launchRun queues a run at the current version and NOTIFYs dispatch on commit', async () => {
    notes.length = 0;
    const r = await h.gql<LaunchResult>(a.token, LAUNCH, {
      input: { assetKeys: ['f/clean', 'f/raw', 'f/raw'], partitionKey: '2001-02', tags: [{ key: 'team', value: 'data' }] },
    });
    assert.equal(r.status, 200, JSON.stringify(r.errors));
    const run = r.data!.launchRun;
    assert.equal(run.status, 'QUEUED');
    assert.deepEqual(run.assetKeys, ['f/clean', 'f/raw']);
    assert.equal(run.partitionKey, '2001-02');
    assert.equal(run.partitionRange, null);
    assert.deepEqual(run.tags, [{ key: 'team', value: 'data' }]);
    assert.equal(run.codeLocationVersion, 2);
    assert.equal(run.launchedBy, `api_token:${a.tokenId}`);
    assert.deepEqual([run.deployment.name, run.codeLocation.name], ['prod', 'flights']);

    const row = await h.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    assert.deepEqual([row.orgId, row.deploymentId, row.codeLocationId, row.status], [a.orgId, a.prodId, flights.id, 'QUEUED']);
    assert.equal(row.traceparent, null, 'no active span, no traceparent');

    await eventually(() => notes.filter((n) => n.visibleStatus !== undefined).length >= 2, 5000, 'notifications');
    const queued = notes.find((n) => n.channel === CHANNELS.runQueued);
    assert.deepEqual(queued?.payload, { runId: run.id, deploymentId: a.prodId, orgId: a.orgId, queue: 'default' });
    assert.equal(queued?.visibleStatus, 'QUEUED', 'the run is committed when the notification arrives');
    assert.deepEqual(notes.find((n) => n.channel === CHANNELS.runEvents)?.payload, { runId: run.id });
  });

  test('launchRun takes a partition range, and unpartitioned assets may join a partitioned run', async () => {
    const r = await h.gql<LaunchResult>(a.token, LAUNCH, { input: { assetKeys: ['f/raw', 'f/summary'], partitionRange: { start: '2001-01', end: '2001-03' } } });
    assert.equal(r.status, 200, JSON.stringify(r.errors));
    assert.deepEqual(r.data?.launchRun.partitionRange, { start: '2001-01', end: '2001-03' });
    assert.equal(r.data?.launchRun.partitionKey, null);
    const unpartitioned = await h.gql<LaunchResult>(a.token, LAUNCH, { input: { assetKeys: ['w/daily'] } });
    assert.equal(unpartitioned.data?.launchRun.codeLocation.name, 'weather');
    const stat = await h.gql<LaunchResult>(a.token, LAUNCH, { input: { assetKeys: ['f/static'], partitionKey: 'us' } });
    assert.equal(stat.data?.launchRun.partitionKey, 'us');
  });

  test('unknown, inactive and other-organization assets are ASSET_NOT_FOUND naming each key', async () => {
    const unknown = await launchError({ assetKeys: ['w/daily', 'f/nope', 'x/y'] });
    assert.equal(unknown.code, 'ASSET_NOT_FOUND');
    assert.deepEqual(unknown.extensions['assetKeys'], ['f/nope', 'x/y']);
    assert.match(unknown.message, /"f\/nope", "x\/y" not found/);
    const inactive = await launchError({ assetKeys: ['f/gone'] });
    assert.equal(inactive.code, 'ASSET_NOT_FOUND');
    const foreign = await launchError({ assetKeys: ['f/b-only'] });
    assert.deepEqual([foreign.code, foreign.extensions['assetKeys']], ['ASSET_NOT_FOUND', ['f/b-only']]);
    const wrongDeployment = await launchError({ deployment: 'staging', assetKeys: ['f/raw'] });
    assert.equal(wrongDeployment.code, 'DEPLOYMENT_NOT_FOUND');
  });

  test('assets of two code locations are RUN_SPANS_CODE_LOCATIONS', async () => {
    const e = await launchError({ assetKeys: ['f/summary', 'w/daily'] });
    assert.equal(e.code, 'RUN_SPANS_CODE_LOCATIONS');
    assert.deepEqual(e.extensions['codeLocations'], ['flights', 'weather']);
  });

  test('partitions: required, forbidden, malformed, out of range, both given, reversed, mixed definitions', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ assetKeys: ['f/raw'] }, /asset f\/raw is partitioned: give partitionKey or partitionRange/],
      [{ assetKeys: ['w/daily'], partitionKey: '2001-01' }, /not partitioned/],
      [{ assetKeys: ['w/daily'], partitionRange: { start: '2001-01', end: '2001-02' } }, /not partitioned/],
      [{ assetKeys: ['f/raw'], partitionKey: '2001-1' }, /not a monthly partition key \(YYYY-MM\)/],
      [{ assetKeys: ['f/raw'], partitionKey: '2001-07' }, /outside the partitions 2001-01…2001-03/],
      [{ assetKeys: ['f/raw'], partitionKey: '2001-01', partitionRange: { start: '2001-01', end: '2001-02' } }, /not both/],
      [{ assetKeys: ['f/raw'], partitionRange: { start: '2001-03', end: '2001-01' } }, /comes after its end/],
      [{ assetKeys: ['f/raw'], partitionRange: { start: '2001-01', end: '2002-01' } }, /range end: .*outside/],
      [{ assetKeys: ['f/raw', 'f/static'], partitionKey: '2001-01' }, /different partitions/],
      [{ assetKeys: ['f/static'], partitionKey: 'asia' }, /not one of the keys eu, us/],
    ];
    for (const [input, message] of cases) {
      const e = await launchError(input);
      assert.equal(e.code, 'PARTITION_INVALID', JSON.stringify(input));
      assert.match(e.message, message);
    }
  });

  test('empty selections, malformed keys, bad tags and unloaded code locations are refused', async () => {
    assert.equal((await launchError({ assetKeys: [] })).code, 'INVALID_ARGUMENT');
    assert.equal((await launchError({ assetKeys: ['f//raw'] })).code, 'INVALID_ARGUMENT');
    assert.equal((await launchError({ assetKeys: ['w/daily'], tags: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] })).code, 'INVALID_ARGUMENT');
    const pending = await launchError({ assetKeys: ['p/x'] });
    assert.deepEqual([pending.code, pending.extensions['codeLocation']], ['CODE_LOCATION_NOT_READY', 'pending']);
  });

  test('cancelRun: QUEUED becomes CANCELED at once, without bothering agents', async () => {
    const id = await createRun(h.prisma, a, flights, { status: 'QUEUED' });
    notes.length = 0;
    const r = await h.gql<{ cancelRun: { status: string; endedAt: string | null } }>(a.token, CANCEL, { id });
    assert.equal(r.status, 200, JSON.stringify(r.errors));
    assert.equal(r.data?.cancelRun.status, 'CANCELED');
    assert.ok(r.data?.cancelRun.endedAt);
    await eventually(() => notes.some((n) => n.channel === CHANNELS.runEvents && n.payload['runId'] === id), 5000, 'run events notification');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(!notes.some((n) => n.channel === CHANNELS.runCancel), 'no agent holds a queued run');
  });

  test('cancelRun: STARTING and STARTED become CANCELING and the holding agent is notified; CANCELING renotifies', async () => {
    const agentId = await createAgent(h.prisma, a);
    for (const status of ['STARTING', 'STARTED', 'CANCELING'] as const) {
      const id = await createRun(h.prisma, a, flights, { status, agentId });
      notes.length = 0;
      const r = await h.gql<{ cancelRun: { status: string; endedAt: string | null; agent: { id: string } } }>(a.token, CANCEL, { id });
      assert.equal(r.status, 200, JSON.stringify(r.errors));
      assert.deepEqual([r.data?.cancelRun.status, r.data?.cancelRun.endedAt, r.data?.cancelRun.agent.id], ['CANCELING', null, agentId]);
      await eventually(() => notes.some((n) => n.channel === CHANNELS.runCancel) && notes.some((n) => n.channel === CHANNELS.runEvents), 5000, `notifications for ${status}`);
      assert.deepEqual(notes.find((n) => n.channel === CHANNELS.runCancel)?.payload, { runId: id, agentId });
      assert.equal((await h.prisma.run.findUniqueOrThrow({ where: { id } })).status, 'CANCELING');
    }
  });

  test('cancelRun of a finished run is RUN_ALREADY_FINISHED and changes nothing', async () => {
    for (const status of ['SUCCESS', 'FAILURE', 'CANCELED'] as const) {
      const id = await createRun(h.prisma, a, flights, { status });
      const r = await h.gql(a.token, CANCEL, { id });
      assert.equal(r.errors?.[0]?.extensions?.['code'], 'RUN_ALREADY_FINISHED');
      assert.equal(r.errors?.[0]?.extensions?.['status'], status);
      assert.equal((await h.prisma.run.findUniqueOrThrow({ where: { id } })).status, status);
    }
  });

  test('cancelRun of another organization run is RUN_NOT_FOUND and leaves it running', async () => {
    const bLoc = await createCodeLocation(h.prisma, b, { assets: [{ key: 'b/x' }] });
    const id = await createRun(h.prisma, b, bLoc, { status: 'QUEUED' });
    const r = await h.gql(a.token, CANCEL, { id });
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'RUN_NOT_FOUND');
    assert.equal((await h.prisma.run.findUniqueOrThrow({ where: { id } })).status, 'QUEUED');
    const malformed = await h.gql(a.token, CANCEL, { id: 'nope' });
    assert.equal(malformed.errors?.[0]?.extensions?.['code'], 'RUN_NOT_FOUND');
    const launched = await h.gql(b.token, LAUNCH, { input: { assetKeys: ['f/raw'] } });
    assert.equal(launched.errors, undefined, 'the other org launches its own unpartitioned f/raw');
  });
});
