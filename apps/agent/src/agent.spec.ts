/**
 * The agent against a scripted control-plane peer: a real @grpc/grpc-js
 * server on 127.0.0.1:0 (a minimal test double of the control plane's
 * AgentService), real child processes, a real on-disk spool.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { WireRunEvent__Output } from '@gantry/proto';
import { AgentFatalError, startAgent, type AgentOptions, type RunningAgent } from './agent';
import { scriptLocation, type ScriptLocation } from './testing/customer-scripts';
import { startScriptedControlPlane, type ScriptedControlPlane } from './testing/scripted-control-plane';

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function peer(options: Parameters<typeof startScriptedControlPlane>[0] = {}): Promise<ScriptedControlPlane> {
  const p = await startScriptedControlPlane(options);
  cleanups.push(() => p.close());
  return p;
}

async function agentFor(p: ScriptedControlPlane, loc: ScriptLocation, overrides: Partial<AgentOptions> = {}): Promise<RunningAgent & { stateDir: string }> {
  const stateDir = overrides.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'gantry-agent-state-'));
  const agent = await startAgent({
    controlPlaneAddress: p.address,
    token: p.token,
    name: 'test-agent',
    stateDir,
    codeLocationPaths: [loc.yamlPath],
    logLevel: 'silent',
    ...overrides,
  });
  let done = false;
  cleanups.push(async () => {
    if (!done) await agent.stop();
  });
  return {
    stateDir,
    stop: async () => {
      done = true;
      await agent.stop();
    },
    kill: () => {
      done = true;
      agent.kill();
    },
  };
}

function assignRun(p: ScriptedControlPlane, runId: string, extra: { storedSeq?: number; assetKeys?: string[] } = {}): void {
  p.assign({ runId, deployment: 'prod', codeLocation: 'scripted', codeLocationVersion: 1, assetKeys: extra.assetKeys ?? ['demo/a'], storedSeq: extra.storedSeq ?? 0 });
}

const isTerminal = (e: WireRunEvent__Output) => e.type === 'RUN_SUCCESS' || e.type === 'RUN_FAILURE' || e.type === 'RUN_CANCELED';
const hasTerminal = (p: ScriptedControlPlane, runId: string) => p.terminals.has(runId) && (p.stored.get(runId)?.has(p.terminals.get(runId)!.seq) ?? false);
const spoolFiles = (stateDir: string) => readdirSync(path.join(stateDir, 'spool'));

function assertContiguous(events: WireRunEvent__Output[], from = 1): void {
  assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + from), 'seq numbers without gaps');
  assert.equal(events.filter(isTerminal).length, 1, 'exactly one terminal event');
  assert.ok(isTerminal(events.at(-1)!), 'the terminal event is last');
}

const QUICK_RUN = `send('opened', {}); send('log', { message: 'hi', level: 'INFO' }); send('report_asset_materialization', { asset_key: 'demo/a', data_version: null, metadata: {} }); send('closed', {});`;

describe('agent against a scripted control-plane peer', () => {
  test('scripted control-plane peer: reports code locations, then Hello → Welcome with slots and agent info', async () => {
    const p = await peer();
    const loc = scriptLocation(QUICK_RUN);
    await agentFor(p, loc, { maxConcurrentRuns: 3, deployments: ['prod'] });
    await p.waitFor('hello', () => p.hellos.length === 1 && p.connected);
    assert.deepEqual(p.callLog.slice(0, 2), ['report', 'session'], 'code locations are reported before the session opens');
    const reported = p.reportCalls[0]!.locations;
    assert.equal(reported.length, 1);
    assert.equal(reported[0]!.name, 'scripted');
    assert.equal(reported[0]!.deployment, 'prod');
    const def = JSON.parse(reported[0]!.definitionJson) as { command: string[]; assets: { key: string }[] };
    assert.deepEqual(def.assets.map((a) => a.key), ['demo/a', 'demo/b']);
    const hello = p.hellos[0]!;
    assert.equal(hello.agent?.name, 'test-agent');
    assert.equal(hello.agent?.launcher, 'process');
    assert.deepEqual(hello.agent?.deployments, ['prod']);
    assert.equal(hello.freeSlots, 3);
    assert.deepEqual(hello.runningRunIds, []);
  });

  test('scripted control-plane peer: assignments use slots; SlotsAvailable and heartbeats follow the running runs', async () => {
    const p = await peer();
    const loc = scriptLocation(`send('opened', {}); await sleep(700); send('closed', {});`);
    await agentFor(p, loc, { maxConcurrentRuns: 2 });
    await p.waitFor('hello', () => p.connected);
    assert.equal(p.hellos[0]!.freeSlots, 2);
    assignRun(p, 'slot-1');
    assignRun(p, 'slot-2');
    await p.waitFor('both runs started', () => ['slot-1', 'slot-2'].every((r) => p.eventsOf(r).some((e) => e.type === 'RUN_STARTED')));
    await p.waitFor('slots 0', () => p.slots.includes(0));
    await p.waitFor('a heartbeat naming both runs', () => p.heartbeats.some((h) => h.includes('slot-1') && h.includes('slot-2')));
    await p.waitFor('both runs done', () => hasTerminal(p, 'slot-1') && hasTerminal(p, 'slot-2'));
    await p.waitFor('slots back to 2', () => p.slots.at(-1) === 2);
    assert.deepEqual(p.slots.slice(0, 2), [1, 0], 'absolute free slots after each start');
    assert.ok(p.slots.every((s) => s >= 0 && s <= 2));
    for (const r of ['slot-1', 'slot-2']) assert.equal(p.eventsOf(r).at(-1)!.type, 'RUN_SUCCESS');
  });

  test('scripted control-plane peer: events are numbered after storedSeq, acked, and the spool is emptied', async () => {
    const p = await peer();
    const loc = scriptLocation(QUICK_RUN);
    const agent = await agentFor(p, loc);
    await p.waitFor('hello', () => p.connected);
    assignRun(p, 'numbered', { storedSeq: 2 });
    await p.waitFor('terminal', () => hasTerminal(p, 'numbered'));
    const events = p.eventsOf('numbered');
    assertContiguous(events, 3);
    assert.deepEqual(
      events.map((e) => e.type).filter((t) => t !== 'COMPUTE_LOG'),
      ['RUN_STARTING', 'RUN_STARTED', 'PIPES_OPENED', 'LOG', 'ASSET_MATERIALIZATION', 'PIPES_CLOSED', 'RUN_RESOURCE_USAGE', 'RUN_SUCCESS'],
    );
    assert.ok(events.every((e) => e.timestampMs > 1_600_000_000_000), 'timestamps in ms since the epoch');
    await p.waitFor('spool emptied', () => spoolFiles(agent.stateDir).length === 0);
    assert.equal(p.resentAfterAck, 0);
    assert.equal(p.received.length, events.length, 'each event sent once');
  });

  test('scripted control-plane peer: the server drops the stream mid-run; the agent reconnects and replays, losing nothing and resending nothing acked', async () => {
    const p = await peer();
    const loc = scriptLocation(`send('opened', {}); for (let i = 0; i < 5000; i++) { send('log', { message: 'line ' + i, level: 'INFO' }); if (i % 500 === 0) await sleep(20); } send('closed', {});`);
    await agentFor(p, loc);
    await p.waitFor('hello', () => p.connected);
    p.dropAfterEvents = 1200;
    assignRun(p, 'dropped');
    await p.waitFor('terminal', () => hasTerminal(p, 'dropped'), 30_000);
    const events = p.eventsOf('dropped');
    assertContiguous(events);
    assert.equal(events.filter((e) => e.type === 'LOG').length, 5000);
    assert.ok(p.sessionCalls >= 2, 'a second session was opened');
    assert.deepEqual(p.callLog.slice(0, 4), ['report', 'session', 'report', 'session'], 'code locations reported again before the new session');
    assert.equal(p.hellos[1]?.runningRunIds.includes('dropped'), true, 'the second Hello names the running run');
    assert.equal(p.resentAfterAck, 0, 'no event was resent after its ack');
  });

  test('scripted control-plane peer: after kill() and a restart on the same state dir, unacknowledged events are replayed', async () => {
    const p = await peer({ autoAck: false });
    const loc = scriptLocation(QUICK_RUN);
    const first = await agentFor(p, loc);
    await p.waitFor('hello', () => p.connected);
    assignRun(p, 'restart');
    await p.waitFor('terminal', () => hasTerminal(p, 'restart'));
    const sentBefore = p.eventsOf('restart').map((e) => e.seq);
    first.kill();
    assert.equal(spoolFiles(first.stateDir).length, 1, 'the unacknowledged run stays in the spool');
    p.stored.clear();
    p.autoAck = true;

    const second = await agentFor(p, loc, { stateDir: first.stateDir });
    await p.waitFor('replayed terminal', () => hasTerminal(p, 'restart'));
    assert.deepEqual(p.eventsOf('restart').map((e) => e.seq), sentBefore, 'every event comes back once more');
    assertContiguous(p.eventsOf('restart'));
    assert.equal(p.eventsOf('restart').at(-1)!.type, 'RUN_SUCCESS');
    assert.ok(p.hellos[1]!.runningRunIds.includes('restart'), 'the new Hello names the run whose events are still held');
    await p.waitFor('spool emptied', () => spoolFiles(first.stateDir).length === 0);
    await second.stop();
  });

  test('scripted control-plane peer: restart replays exactly the unacknowledged events; a run cut off by the kill ends in RUN_FAILURE', async () => {
    const p = await peer();
    const loc = scriptLocation(`send('opened', {}); for (let i = 0; i < 50; i++) send('log', { message: 'l' + i, level: 'INFO' }); await sleep(60_000);`);
    p.ackCap.set('cut-off', 10);
    const first = await agentFor(p, loc);
    await p.waitFor('hello', () => p.connected);
    assignRun(p, 'cut-off');
    await p.waitFor('ten events acked', () => p.acked.get('cut-off') === 10);
    // Let the spool take in the remaining messages (the window stalls without acks), then crash.
    await new Promise((r) => setTimeout(r, 400));
    first.kill();
    const before = p.received.length;
    for (const seq of [...p.stored.get('cut-off')!.keys()]) if (seq > 10) p.stored.get('cut-off')!.delete(seq);
    p.ackCap.delete('cut-off');

    await agentFor(p, loc, { stateDir: first.stateDir });
    await p.waitFor('terminal after restart', () => hasTerminal(p, 'cut-off'));
    const replayed = p.received.slice(before).filter((e) => e.runId === 'cut-off');
    assert.ok(replayed.length > 0 && replayed.every((e) => e.seq > 10), 'events acknowledged before the crash are not replayed');
    const events = p.eventsOf('cut-off');
    assertContiguous(events);
    assert.equal(events.filter((e) => e.type === 'LOG').length, 50, 'no event lost');
    const end = events.at(-1)!;
    assert.equal(end.type, 'RUN_FAILURE');
    assert.match(end.message, /agent restarted while the run was executing/);
    assert.equal(p.resentAfterAck, 0);
  });

  test('scripted control-plane peer: CancelRun stops the process and ends the run with RUN_CANCELED', async () => {
    const p = await peer();
    const loc = scriptLocation(`send('opened', {}); await sleep(60_000); send('closed', {});`);
    await agentFor(p, loc);
    await p.waitFor('hello', () => p.connected);
    assignRun(p, 'to-cancel');
    await p.waitFor('opened', () => p.eventsOf('to-cancel').some((e) => e.type === 'PIPES_OPENED'));
    const pid = (JSON.parse(p.eventsOf('to-cancel').find((e) => e.type === 'RUN_STARTED')!.payloadJson) as { pid: number }).pid;
    p.cancel('to-cancel');
    await p.waitFor('canceled', () => hasTerminal(p, 'to-cancel'));
    const events = p.eventsOf('to-cancel');
    assertContiguous(events);
    assert.equal(events.at(-1)!.type, 'RUN_CANCELED');
    assert.throws(() => process.kill(pid, 0), 'the process is gone');
  });

  test('scripted control-plane peer: LeaseRevoked kills the run and nothing more is sent for it', async () => {
    const p = await peer();
    const loc = scriptLocation(`send('opened', {}); for (;;) { send('log', { message: 'tick', level: 'INFO' }); await sleep(10); }`);
    const agent = await agentFor(p, loc);
    await p.waitFor('hello', () => p.connected);
    assignRun(p, 'revoked');
    await p.waitFor('some ticks', () => p.eventsOf('revoked').filter((e) => e.type === 'LOG').length >= 5);
    const pid = (JSON.parse(p.eventsOf('revoked').find((e) => e.type === 'RUN_STARTED')!.payloadJson) as { pid: number }).pid;
    p.revoke('revoked', 'lease expired');
    await new Promise((r) => setTimeout(r, 200));
    const afterRevoke = p.received.filter((e) => e.runId === 'revoked').length;
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(p.received.filter((e) => e.runId === 'revoked').length, afterRevoke, 'no events after the revocation settled');
    assert.ok(!p.eventsOf('revoked').some(isTerminal), 'no terminal event for a revoked run');
    assert.throws(() => process.kill(pid, 0), 'the process was killed');
    assert.equal(spoolFiles(agent.stateDir).length, 0, 'the spool of the revoked run is dropped');
    await p.waitFor('a heartbeat', () => p.heartbeats.length > 0);
    const last = p.heartbeats.at(-1)!;
    assert.ok(!last.includes('revoked'), 'heartbeats no longer name the revoked run');
  });

  test('scripted control-plane peer: a refused token (UNAUTHENTICATED) is a clear fatal error, not a retry loop', async () => {
    const p = await peer({ token: 'the-right-token' });
    const loc = scriptLocation(QUICK_RUN);
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'gantry-agent-state-'));
    await assert.rejects(
      startAgent({ controlPlaneAddress: p.address, token: 'a-wrong-token', name: 'bad', stateDir, codeLocationPaths: [loc.yamlPath], logLevel: 'silent' }),
      (error: unknown) => {
        assert.ok(error instanceof AgentFatalError);
        assert.match(error.message, /UNAUTHENTICATED/);
        assert.ok(!error.message.includes('a-wrong-token'), 'the token is never part of the message');
        return true;
      },
    );
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(p.reportCalls.length, 1, 'no reconnect attempts after a fatal refusal');
    assert.equal(p.sessionCalls, 0);
  });

  test('scripted control-plane peer: 200,000 pipes messages flow through agent → gRPC, every one, in order (throughput is measured by bench:ingest)', async () => {
    const p = await peer();
    const N = 200_000;
    const loc = scriptLocation(`
      send('opened', {});
      const chunk = [];
      for (let i = 0; i < ${N}; i++) {
        chunk.push(JSON.stringify({ __dagster_pipes_version: '0.1', method: 'log', params: { message: 'm' + i, level: 'INFO' } }));
        if (chunk.length === 5000) { raw(chunk.join('\\n')); chunk.length = 0; }
      }
      send('closed', {});
    `);
    await agentFor(p, loc);
    await p.waitFor('hello', () => p.connected);
    const started = Date.now();
    assignRun(p, 'bulk');
    await p.waitFor('all events', () => hasTerminal(p, 'bulk'), 120_000);
    const seconds = (Date.now() - started) / 1000;
    const events = p.eventsOf('bulk');
    assertContiguous(events);
    assert.equal(events.filter((e) => e.type === 'LOG').length, N);
    const rate = events.length / seconds;
    // Informational only: a timed assertion here would fail on a busy machine; bench/ingest.bench.ts holds the target.
    console.log(`[throughput] ${events.length} events in ${seconds.toFixed(2)} s = ${Math.round(rate)} events/s over ${p.batches} batches`);
  });
});
