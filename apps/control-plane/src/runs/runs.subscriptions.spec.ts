import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'graphql-ws';
import pg from 'pg';
import { CHANNELS } from '../database/pg-listener';
import { createCodeLocation, createRun, createTenant, eventually, insertRunEvents, startApiHarness, type ApiHarness, type SeededLocation, type Tenant } from '../api/testing/api-test-kit';
import { RunNotificationsHub } from './run-notifications.hub';

interface Message {
  data?: Record<string, { seq?: number; type?: string; status?: string; runId?: string; message?: string }> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** Subscribes and records every message; `done` settles when the server completes or errors. */
function collect(client: Client, query: string, variables: Record<string, unknown>): { messages: Message[]; done: Promise<'complete'>; unsubscribe: () => void } {
  const messages: Message[] = [];
  let unsubscribe = (): void => undefined;
  const done = new Promise<'complete'>((resolve, reject) => {
    unsubscribe = client.subscribe({ query, variables }, { next: (m) => void messages.push(m as Message), error: reject, complete: () => resolve('complete') });
  });
  return { messages, done, unsubscribe };
}

const EVENTS = 'subscription($runId: ID!, $afterSeq: Int) { runEvents(runId: $runId, afterSeq: $afterSeq) { runId seq type message } }';
const STATUS = 'subscription($runId: ID!) { runStatus(runId: $runId) { id status failureReason agent { name } } }';

describe('run subscriptions over graphql-ws', () => {
  let h: ApiHarness;
  let a: Tenant;
  let b: Tenant;
  let loc: SeededLocation;
  let bLoc: SeededLocation;
  let ingest: pg.Client;
  let hub: RunNotificationsHub;

  /** What the ingest does after committing events or a status change. */
  async function notify(runId: string): Promise<void> {
    await ingest.query('SELECT pg_notify($1, $2)', [CHANNELS.runEvents, JSON.stringify({ runId })]);
  }

  before(async () => {
    h = await startApiHarness();
    a = await createTenant(h.prisma);
    b = await createTenant(h.prisma);
    loc = await createCodeLocation(h.prisma, a, { assets: [{ key: 'x/a' }] });
    bLoc = await createCodeLocation(h.prisma, b, { assets: [{ key: 'x/a' }] });
    ingest = new pg.Client({ connectionString: h.db.url });
    await ingest.connect();
    hub = h.server.app.get(RunNotificationsHub);
  });
  after(async () => {
    await ingest.end();
    await h.close();
  });

  test('runEvents sends stored events after afterSeq, then each committed event, and completes when the run ends', async () => {
    const runId = await createRun(h.prisma, a, loc, { status: 'STARTED' });
    await insertRunEvents(h.prisma, a.orgId, runId, [{ seq: 1, type: 'RUN_STARTING' }, { seq: 2, type: 'RUN_STARTED' }, { seq: 3 }]);
    const sub = collect(h.ws(a.token), EVENTS, { runId, afterSeq: 1 });
    await eventually(() => sub.messages.length === 2, 5000, 'stored events');
    assert.deepEqual(sub.messages.map((m) => m.data?.['runEvents']?.seq), [2, 3]);
    assert.equal(sub.messages[0]?.data?.['runEvents']?.runId, runId);

    await insertRunEvents(h.prisma, a.orgId, runId, [{ seq: 4, message: 'live 4' }, { seq: 5, message: 'live 5' }]);
    await notify(runId);
    await eventually(() => sub.messages.length === 4, 5000, 'live events');
    assert.deepEqual(sub.messages.slice(2).map((m) => [m.data?.['runEvents']?.seq, m.data?.['runEvents']?.message]), [[4, 'live 4'], [5, 'live 5']]);

    await notify(runId); // a notification without new events sends nothing
    // Another organization's rows under our run id, and its notifications, never reach us.
    await insertRunEvents(h.prisma, b.orgId, runId, [{ seq: 6, message: 'leak' }]);
    await notify(runId);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(sub.messages.length, 4);

    await h.prisma.$transaction([
      h.prisma.runEvent.create({ data: { orgId: a.orgId, runId, seq: 7, type: 'RUN_SUCCESS', payload: {}, timestamp: new Date() } }),
      h.prisma.run.update({ where: { id: runId }, data: { status: 'SUCCESS', endedAt: new Date() } }),
    ]);
    await notify(runId);
    assert.equal(await sub.done, 'complete');
    assert.deepEqual(sub.messages.slice(4).map((m) => [m.data?.['runEvents']?.seq, m.data?.['runEvents']?.type]), [[7, 'RUN_SUCCESS']]);
    assert.ok(!JSON.stringify(sub.messages).includes('leak'));
    await eventually(() => hub.watcherCount === 0, 2000, 'the watcher to go');
  });

  test('a finished run streams its stored events and completes at once', async () => {
    const runId = await createRun(h.prisma, a, loc, { status: 'FAILURE' });
    await insertRunEvents(h.prisma, a.orgId, runId, [{ seq: 1 }, { seq: 2, type: 'RUN_FAILURE' }]);
    const sub = collect(h.ws(a.token), EVENTS, { runId });
    assert.equal(await sub.done, 'complete');
    assert.deepEqual(sub.messages.map((m) => m.data?.['runEvents']?.seq), [1, 2]);
  });

  test('another organization cannot subscribe to our run (RUN_NOT_FOUND) and gets nothing', async () => {
    const runId = await createRun(h.prisma, a, loc, { status: 'STARTED' });
    await insertRunEvents(h.prisma, a.orgId, runId, [{ seq: 1, message: 'secret' }]);
    for (const query of [EVENTS, STATUS]) {
      const sub = collect(h.ws(b.token), query, { runId });
      assert.equal(await sub.done, 'complete');
      assert.equal(sub.messages.length, 1);
      assert.equal(sub.messages[0]?.errors?.[0]?.extensions?.['code'], 'RUN_NOT_FOUND');
      assert.equal(sub.messages[0]?.data ?? null, null);
      assert.ok(!JSON.stringify(sub.messages).includes('secret'));
    }
    const malformed = collect(h.ws(a.token), EVENTS, { runId: 'nope' });
    await malformed.done;
    assert.equal(malformed.messages[0]?.errors?.[0]?.extensions?.['code'], 'RUN_NOT_FOUND');
    const negative = collect(h.ws(a.token), EVENTS, { runId, afterSeq: -1 });
    await negative.done;
    assert.equal(negative.messages[0]?.errors?.[0]?.extensions?.['code'], 'INVALID_ARGUMENT');
  });

  test('a subscription for one run ignores other runs, including the other organization ones', async () => {
    const mine = await createRun(h.prisma, a, loc, { status: 'STARTED' });
    const theirs = await createRun(h.prisma, b, bLoc, { status: 'STARTED' });
    const sub = collect(h.ws(a.token), EVENTS, { runId: mine });
    await eventually(() => hub.watcherCount >= 1, 2000, 'the watcher');
    await insertRunEvents(h.prisma, b.orgId, theirs, [{ seq: 1, message: 'theirs' }]);
    await notify(theirs);
    await insertRunEvents(h.prisma, a.orgId, mine, [{ seq: 1, message: 'mine' }]);
    await notify(mine);
    await eventually(() => sub.messages.length === 1, 5000, 'our event');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(sub.messages.map((m) => m.data?.['runEvents']?.message), ['mine']);
    sub.unsubscribe();
  });

  test('leaving stops the stream and removes its listener, by unsubscribe and by closing the socket', async () => {
    await eventually(() => hub.watcherCount === 0, 2000, 'earlier watchers to go');
    const runId = await createRun(h.prisma, a, loc, { status: 'STARTED' });
    const client = h.ws(a.token);
    const first = collect(client, EVENTS, { runId });
    const second = collect(client, STATUS, { runId });
    await eventually(() => hub.watcherCount === 2, 5000, 'two watchers');
    first.unsubscribe();
    await eventually(() => hub.watcherCount === 1, 2000, 'unsubscribe to remove its watcher');
    await eventually(() => second.messages.length === 1, 2000, 'the status subscription to send the run once');
    await client.dispose();
    await eventually(() => hub.watcherCount === 0, 2000, 'closing the socket to remove the last watcher');
  });

  test('runStatus sends the run now and on every status change, then completes at a terminal status', async () => {
    const runId = await createRun(h.prisma, a, loc, { status: 'QUEUED' });
    const sub = collect(h.ws(a.token), STATUS, { runId });
    await eventually(() => sub.messages.length === 1, 5000, 'the current status');
    await notify(runId); // nothing changed: nothing sent
    await h.prisma.run.update({ where: { id: runId }, data: { status: 'STARTED', startedAt: new Date() } });
    await notify(runId);
    await eventually(() => sub.messages.length === 2, 5000, 'STARTED');
    await h.prisma.run.update({ where: { id: runId }, data: { status: 'FAILURE', failureReason: 'exit code 2', endedAt: new Date() } });
    await notify(runId);
    assert.equal(await sub.done, 'complete');
    assert.deepEqual(sub.messages.map((m) => m.data?.['runStatus']?.status), ['QUEUED', 'STARTED', 'FAILURE']);
    assert.equal((sub.messages[2]?.data?.['runStatus'] as { failureReason?: string }).failureReason, 'exit code 2');
  });

  test('cancelRun of a queued run reaches a runStatus subscriber through the same notification', async () => {
    const runId = await createRun(h.prisma, a, loc, { status: 'QUEUED' });
    const sub = collect(h.ws(a.token), STATUS, { runId });
    await eventually(() => sub.messages.length === 1, 5000, 'the current status');
    const r = await h.gql(a.token, 'mutation($id: ID!) { cancelRun(id: $id) { status } }', { id: runId });
    assert.equal(r.errors, undefined);
    assert.equal(await sub.done, 'complete');
    assert.deepEqual(sub.messages.map((m) => m.data?.['runStatus']?.status), ['QUEUED', 'CANCELED']);
  });
});
