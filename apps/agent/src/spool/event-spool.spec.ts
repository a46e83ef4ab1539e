import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { EventSequencer } from '../runs/event-sequencer';
import { EventSpool } from './event-spool';

const logger = pino({ level: 'silent' });

test('event spool: an output position is written after the events it covers and comes back after a restart', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-spool-'));
  const spool = new EventSpool({ dir, logger, onSpooled: () => undefined });
  await spool.load();
  const seq = new EventSequencer('run-1', 0, (e) => spool.append(e));
  seq.emit({ type: 'RUN_STARTING' });
  seq.emit({ type: 'LOG', message: 'one' });
  spool.note('run-1', '{"offset":10}');
  seq.emit({ type: 'LOG', message: 'two' });
  spool.note('run-1', '{"offset":20}');
  await spool.flush();
  const lines = readFileSync(path.join(dir, readdirSync(dir)[0]!), 'utf8').trim().split('\n');
  assert.deepEqual(lines.map((l) => Object.keys(JSON.parse(l) as object)[0]), ['runId', 'runId', 'runId', 'position'], 'one position line, after the events of the same flush');
  spool.abandon();

  // A torn write after it: the last complete position still stands.
  appendFileSync(path.join(dir, readdirSync(dir)[0]!), '{"position":"{\\"offs');
  const again = new EventSpool({ dir, logger, onSpooled: () => undefined });
  const [run] = await again.load();
  assert.equal(run?.position, '{"offset":20}');
  assert.equal(run?.lastSeq, 3);
  assert.equal(run?.finished, false);
  again.abandon();
});

test('event spool: positions of finished or unknown runs are ignored', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-spool-'));
  const spool = new EventSpool({ dir, logger, onSpooled: () => undefined });
  await spool.load();
  spool.note('never-seen', 'x');
  const seq = new EventSequencer('run-2', 0, (e) => spool.append(e));
  seq.emit({ type: 'RUN_SUCCESS' });
  spool.note('run-2', 'late');
  await spool.flush();
  const text = readFileSync(path.join(dir, readdirSync(dir)[0]!), 'utf8');
  assert.equal(text.includes('position'), false);
  assert.deepEqual(readdirSync(dir), ['run-2.jsonl'], 'no file for a run without events');
  spool.abandon();
});
