import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openPipes, PipesClientError, toPipesException, withPipes } from './client';
import { encodePipesParams, PipesParamsError } from './codec';
import { createPipesContextData, PipesContextError, type PipesContextData } from './context';
import { parsePipesMessageLine, type PipesMessage } from './messages';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A context file and an empty message file in a fresh directory. */
function channel(context: Partial<PipesContextData> = {}): { env: Record<string, string>; read: () => PipesMessage[]; messages: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-pipes-client-'));
  dirs.push(dir);
  const contextFile = path.join(dir, 'context.json');
  const messages = path.join(dir, 'messages.jsonl');
  writeFileSync(contextFile, JSON.stringify(createPipesContextData({ run_id: 'run-1', asset_keys: ['demo/a', 'demo/b'], ...context })));
  return {
    messages,
    env: { DAGSTER_PIPES_CONTEXT: encodePipesParams({ path: contextFile }), DAGSTER_PIPES_MESSAGES: encodePipesParams({ path: messages }) },
    read: () =>
      readFileSync(messages, 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => {
          const p = parsePipesMessageLine(l);
          assert.ok(p.ok, p.ok ? '' : p.reason);
          return p.message;
        }),
  };
}

describe('pipes client (in process)', () => {
  test('opens from a context file, sends opened, and every report parses back', () => {
    const c = channel({ partition_key: '2001-01', extras: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', deployment: 'prod' } });
    const pipes = openPipes({ env: c.env, argv: [] });
    assert.deepEqual(pipes.context.assetKeys, ['demo/a', 'demo/b']);
    assert.equal(pipes.context.partitionKey, '2001-01');
    assert.equal(pipes.context.runId, 'run-1');
    assert.match(pipes.context.traceparent ?? '', /^00-0af7651916cd43dd8448eb211c80319c-/);
    assert.equal(pipes.getExtra('deployment'), 'prod');
    assert.throws(() => pipes.getExtra('nope'), /extra "nope" is undefined/);
    assert.throws(() => pipes.assetKey, /the step targets 2 assets/);
    pipes.log.debug('d');
    pipes.log.info('i');
    pipes.log.warn('w');
    pipes.log.error('e');
    pipes.log.critical('c');
    pipes.reportAssetMaterialization({ assetKey: 'demo/a', metadata: { row_count: 42 }, dataVersion: 'v1' });
    pipes.reportAssetMaterialization({ assetKey: 'demo/b' });
    pipes.reportAssetCheck({ assetKey: 'demo/a', checkName: 'positive', passed: true });
    pipes.reportCustomMessage({ hello: 'world' });
    pipes.close();
    pipes.close();
    const messages = c.read();
    assert.deepEqual(messages.map((m) => m.method), ['opened', 'log', 'log', 'log', 'log', 'log', 'report_asset_materialization', 'report_asset_materialization', 'report_asset_check', 'report_custom_message', 'closed']);
    assert.deepEqual(messages.filter((m) => m.method === 'log').map((m) => m.params.level), ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']);
    assert.deepEqual(messages[6]?.params, { asset_key: 'demo/a', data_version: 'v1', metadata: { row_count: { raw_value: 42, type: '__infer__' } } });
    assert.deepEqual(messages[7]?.params, { asset_key: 'demo/b', data_version: null, metadata: null }, 'no metadata is null, as upstream sends it');
    assert.deepEqual(messages[8]?.params, { asset_key: 'demo/a', check_name: 'positive', passed: true, metadata: null, severity: 'ERROR' });
    assert.deepEqual(messages[10], { method: 'closed', params: {} });
  });

  test('the asset key defaults to the only asset in scope; the protocol rules are enforced', () => {
    const c = channel({ asset_keys: ['solo/asset'] });
    const pipes = openPipes({ env: c.env, argv: [] });
    assert.equal(pipes.assetKey, 'solo/asset');
    pipes.reportAssetMaterialization({ metadata: { n: 1 } });
    pipes.reportAssetCheck({ checkName: 'c', passed: false, severity: 'WARN' });
    assert.throws(() => pipes.reportAssetMaterialization(), /asset solo\/asset was already materialized/);
    assert.throws(() => pipes.reportAssetCheck({ assetKey: 'other/asset', checkName: 'c', passed: true }), /asset other\/asset is not in this step's selection \(solo\/asset\)/);
    assert.throws(() => pipes.reportAssetCheck({ checkName: '', passed: true }), /checkName must be a non-empty string/);
    assert.throws(() => pipes.reportAssetCheck({ checkName: 'c', passed: 'yes' as unknown as boolean }), /passed must be a boolean/);
    assert.throws(() => pipes.reportCustomMessage({ n: 1n }), /cannot send report_custom_message: not JSON-serializable/);
    pipes.close(new Error('boom'));
    assert.ok(pipes.isClosed);
    assert.throws(() => pipes.log.info('late'), /cannot send log: the pipes session is closed/);
    const messages = c.read();
    assert.deepEqual(messages.map((m) => m.method), ['opened', 'report_asset_materialization', 'report_asset_check', 'closed']);
    assert.equal(messages[1]?.method === 'report_asset_materialization' && messages[1].params.asset_key, 'solo/asset');
    const closed = messages[3];
    assert.equal(closed?.method === 'closed' && closed.params.exception?.message, 'boom');
  });

  test('with several assets a key is required; with none in scope any key is accepted (upstream)', () => {
    const several = openPipes({ env: channel().env, argv: [] });
    assert.throws(() => several.reportAssetMaterialization({}), /pass an assetKey; 2 assets are in scope \(demo\/a, demo\/b\)/);
    const none = openPipes({ env: channel({ asset_keys: null }).env, argv: [] });
    assert.throws(() => none.reportAssetMaterialization({}), /the step targets no specific asset/);
    none.reportAssetMaterialization({ assetKey: 'free/key' });
    assert.equal(none.context.isAssetStep, false);
  });

  test('inline context data and command-line params work like the upstream loaders', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-pipes-cli-'));
    dirs.push(dir);
    const messages = path.join(dir, 'm.jsonl');
    const contextArg = encodePipesParams({ data: { run_id: 'inline', asset_keys: ['x/y'] } });
    const pipes = openPipes({ env: {}, argv: ['node', 'main.js', '--dagster-pipes-context', contextArg, `--dagster-pipes-messages=${encodePipesParams({ path: messages })}`] });
    assert.equal(pipes.context.runId, 'inline');
    pipes.close();
    assert.equal(readFileSync(messages, 'utf8').split('\n').filter(Boolean).length, 2);
  });

  test('bad bootstrap params fail with the reason', () => {
    const c = channel();
    const cases: [Record<string, string | undefined>, RegExp | (new (...a: never[]) => Error)][] = [
      [{}, /not launched through pipes: DAGSTER_PIPES_CONTEXT and DAGSTER_PIPES_MESSAGES must be set/],
      [{ ...c.env, DAGSTER_PIPES_CONTEXT: 'garbage!' }, PipesParamsError],
      [{ ...c.env, DAGSTER_PIPES_CONTEXT: encodePipesParams({ env: 'X' }) }, /expected key "path" or "data"/],
      [{ ...c.env, DAGSTER_PIPES_CONTEXT: encodePipesParams({ path: '/nonexistent/context.json' }) }, /cannot read the pipes context file \/nonexistent\/context.json/],
      [{ ...c.env, DAGSTER_PIPES_CONTEXT: encodePipesParams({ data: { asset_keys: [] } }) }, PipesContextError],
      [{ ...c.env, DAGSTER_PIPES_MESSAGES: encodePipesParams({ stdio: 'stdin' }) }, /"stdio" must be "stdout" or "stderr", got "stdin"/],
      [{ ...c.env, DAGSTER_PIPES_MESSAGES: encodePipesParams({ bucket: 'b' }) }, /expected key "path", "stdio" or "buffered_stdio"/],
    ];
    for (const [env, expected] of cases) assert.throws(() => openPipes({ env, argv: [] }), expected as RegExp);
    assert.throws(() => openPipes({ env: {}, argv: [] }), PipesClientError);
  });

  test('withPipes closes on success, and closes with the error then rethrows on failure', async () => {
    const ok = channel();
    assert.equal(await withPipes((p) => p.context.runId, { env: ok.env, argv: [] }), 'run-1');
    assert.deepEqual(ok.read().map((m) => m.method), ['opened', 'closed']);
    const bad = channel();
    await assert.rejects(withPipes(() => Promise.reject(new TypeError('nope')), { env: bad.env, argv: [] }), /nope/);
    const closed = bad.read().at(-1);
    assert.equal(closed?.method === 'closed' && closed.params.exception?.name, 'TypeError');
  });

  test('toPipesException keeps the class name, frames and the cause chain', () => {
    class LoadError extends Error {}
    const e = toPipesException(new LoadError('outer', { cause: new RangeError('inner') }));
    assert.equal(e.name, 'LoadError');
    assert.equal(e.message, 'outer');
    assert.ok(e.stack.length > 0 && e.stack.every((f) => f.startsWith('at ')), JSON.stringify(e.stack));
    assert.deepEqual([e.cause?.name, e.cause?.message, e.context], ['RangeError', 'inner', null]);
    assert.deepEqual([toPipesException('plain').message, toPipesException({ code: 1 }).message], ['plain', '{"code":1}']);
    const loop = new Error('loop');
    loop.cause = loop;
    assert.ok(toPipesException(loop), 'a cyclic cause chain terminates');
  });
});
