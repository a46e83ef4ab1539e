/**
 * The customer process of the Kubernetes launcher's tests: what the
 * simulated kubelet runs as a run pod's container. It speaks Pipes through
 * the real `@gantry/pipes` client with the environment the launcher put in
 * the Job (context inline, messages on stdout), so the pod log it produces is
 * exactly what a real container would write. Scenario = first argument:
 *
 * - `materialize`: logs, writes plain stdout and stderr lines, materializes
 *   every asset in the context, closes.
 * - `sleep <ms>`: like `materialize`, after logging `working` and waiting.
 * - `oom`: allocates and touches memory until the kubelet kills it.
 * - `exit <code>`: writes a line to stderr and exits with the code, no close.
 */
import { withPipes } from '@gantry/pipes';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const [scenario, arg] = process.argv.slice(2);

async function materialize(waitMs: number): Promise<void> {
  await withPipes(async (pipes) => {
    pipes.log.info('working');
    if (waitMs > 0) await sleep(waitMs);
    console.log('plain stdout line');
    console.error('plain stderr line');
    for (const assetKey of pipes.context.assetKeys) pipes.reportAssetMaterialization({ assetKey, metadata: { rows: 42, pod: process.env['HOSTNAME'] ?? 'simulated' } });
    pipes.log.info('done');
  });
}

switch (scenario) {
  case 'materialize':
    await materialize(0);
    break;
  case 'sleep':
    await materialize(Number(arg ?? 1000));
    break;
  case 'oom': {
    await withPipes(async (pipes) => {
      pipes.log.info('allocating');
      const hoard: Buffer[] = [];
      for (;;) {
        hoard.push(Buffer.alloc(16 * 1024 * 1024, 1));
        await sleep(5);
      }
    });
    break;
  }
  case 'exit':
    console.error('giving up: the input table is empty');
    process.exit(Number(arg ?? 1));
    break;
  default:
    throw new Error(`unknown scenario ${String(scenario)}`);
}
