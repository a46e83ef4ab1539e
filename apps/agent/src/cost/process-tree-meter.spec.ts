/**
 * The meter on real process trees: a parent that starts children which burn
 * CPU and hold memory, some of them leaving the process group.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { parseProcStat, ProcessTreeMeter } from './process-tree-meter';

/** A child that burns CPU for `ms` while holding `mb` MiB of touched memory. */
const WORKER = (ms: number, mb: number) =>
  `const b = Buffer.alloc(${mb} * 1024 * 1024, 1); const end = Date.now() + ${ms}; let x = 0; while (Date.now() < end) x += b[x % b.length]; process.exit(x < 0 ? 1 : 0);`;

function spawnTree(script: string) {
  const child = spawn(process.execPath, ['-e', script], { detached: true, stdio: 'ignore' });
  return { child, exited: once(child, 'close') };
}

describe('ProcessTreeMeter (real processes, Linux /proc)', () => {
  test('counts CPU and memory of grandchildren, including one that left the process group', async () => {
    const parent = `
      const { spawn, spawnSync } = require('node:child_process');
      const a = spawn(process.execPath, ['-e', ${JSON.stringify(WORKER(1200, 150))}], { stdio: 'inherit' });
      const b = spawn(process.execPath, ['-e', ${JSON.stringify(WORKER(1200, 50))}], { stdio: 'inherit', detached: true });
      let left = 2; const done = () => { if (--left === 0) process.exit(0); };
      a.on('close', done); b.on('close', done);`;
    const { child, exited } = spawnTree(parent);
    const meter = ProcessTreeMeter.start(child.pid!);
    await exited;
    const m = await meter.stop();
    assert.equal(m.method, 'proc');
    // Two workers busy ~1.2 s each; on a shared 2-core machine they may get less than a full core.
    assert.ok(m.cpuSeconds >= 0.8, `cpu ${m.cpuSeconds}`);
    assert.ok(m.cpuSeconds <= m.wallSeconds * 2 + 0.5, `cpu ${m.cpuSeconds} within 2 cores × wall ${m.wallSeconds}`);
    assert.ok(m.memoryPeakBytes >= 200 * 1024 * 1024, `peak ${m.memoryPeakBytes} covers both workers' 200 MiB`);
    assert.ok(m.memoryGbSeconds > 0.1 && m.memoryGbSeconds < 2, `GB-s ${m.memoryGbSeconds}`);
    assert.ok(m.samples >= 4, `samples ${m.samples}`);
  });

  test('an idle process costs (almost) no CPU; a vanished pid measures nothing and never throws', async () => {
    const { child, exited } = spawnTree('setTimeout(() => {}, 600)');
    const meter = ProcessTreeMeter.start(child.pid!);
    await exited;
    const m = await meter.stop();
    assert.ok(m.cpuSeconds < 0.5, `cpu ${m.cpuSeconds}`);
    assert.ok(m.wallSeconds >= 0.5);
    const ghost = await ProcessTreeMeter.start(2 ** 22 + 7).stop();
    assert.equal(ghost.cpuSeconds, 0);
    assert.equal(ghost.memoryPeakBytes, 0);
  });

  test('parseProcStat reads fields after a command holding spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = 'S';
    const s = parseProcStat(`123 (my (odd) cmd) ${fields.join(' ')}`)!;
    assert.deepEqual([s.pid, s.ppid, s.pgid, s.ticks, s.rssPages, s.startTime], [123, 4, 5, 14 + 15 + 16 + 17, 24, 22]);
    assert.equal(parseProcStat('garbage'), undefined);
  });
});
