/**
 * A customer process written against the TypeScript client, for the interop
 * tests (`interop.spec.ts`): launched as a child process with Pipes variables
 * the test made, it runs the scenario named by its first argument.
 *
 * - `parity`: the same calls as the Python script of the parity test, so the
 *   two clients' messages can be compared line by line.
 * - `context`: reports what it read from the context as a custom message.
 * - `interleaved`: plain stdout output mixed with messages (for stdio channels).
 * - `fail`: the body of `withPipes` throws an error with a cause; exit code 1.
 * - `crash`: reports, then dies of an uncaught error without closing.
 */
import { openPipes, PipesMetadata, withPipes, type PipesSession } from '../index';

function parity(pipes: PipesSession): void {
  pipes.log.info('hello from the parity scenario');
  pipes.log.warning('careful');
  pipes.reportAssetMaterialization({
    assetKey: 'demo/a',
    dataVersion: 'v1',
    metadata: { rows: 7, ratio: 0.5, name: 'x', ok: true, nothing: null, list: [1, 'two'], link: PipesMetadata.url('https://example.com/a') },
  });
  pipes.reportAssetMaterialization({ assetKey: 'demo/b' });
  pipes.reportAssetCheck({ assetKey: 'demo/a', checkName: 'fine', passed: false, severity: 'WARN', metadata: { n: 1 } });
  pipes.reportAssetCheck({ assetKey: 'demo/b', checkName: 'ok', passed: true });
  pipes.reportCustomMessage({ k: [1, 'two'], nested: { a: null } });
}

const scenario = process.argv[2];
switch (scenario) {
  case 'parity':
    await withPipes(parity);
    break;
  case 'context':
    await withPipes((pipes) => pipes.reportCustomMessage({ context: pipes.context, assetKey: pipes.assetKey, fromExtra: pipes.getExtra('deployment') }));
    break;
  case 'interleaved':
    await withPipes((pipes) => {
      console.log('plain output before');
      pipes.log.info('between');
      console.log('plain output after');
      pipes.reportCustomMessage({ done: true });
    });
    break;
  case 'fail':
    await withPipes(() => {
      throw new Error('transform failed', { cause: new RangeError('month 13 does not exist') });
    }).catch(() => {
      process.exitCode = 1;
    });
    break;
  case 'crash': {
    const pipes = openPipes();
    pipes.reportAssetMaterialization({ assetKey: 'demo/a', metadata: { rows: 1 } });
    pipes.log.info('about to crash');
    throw new Error('uncaught crash');
  }
  default:
    throw new Error(`unknown scenario ${String(scenario)}`);
}
