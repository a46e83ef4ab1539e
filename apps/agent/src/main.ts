import { readFileSync } from 'node:fs';
/**
 * The agent process: `node --import tsx apps/agent/src/main.ts`, configured by
 * environment variables (see config.ts). SIGINT/SIGTERM stop it gracefully;
 * a refused token exits with code 2.
 */
import { startTelemetry } from '@gantry/telemetry';
import { pino } from 'pino';
import { Agent } from './agent';
import { loadAgentConfig } from './config';
import { createRunLauncher } from './launchers/create-launcher';

const telemetry = startTelemetry({ serviceName: 'gantry-agent' });
const log = pino({ base: { service: 'gantry-agent' } });

async function main(): Promise<void> {
  const config = loadAgentConfig(process.env);
  const agent = new Agent({
    controlPlaneAddress: config.controlPlaneAddress,
    ...(config.controlPlaneTls && { controlPlaneTls: config.controlPlaneTls.caFile ? { caPem: readFileSync(config.controlPlaneTls.caFile) } : {} }),
    token: config.token,
    name: config.name,
    stateDir: config.stateDir,
    codeLocationPaths: config.codeLocationPaths,
    maxConcurrentRuns: config.maxConcurrentRuns,
    logLevel: config.logLevel,
    prices: config.prices,
    deployments: config.deployments,
    queues: config.queues,
    launcher: createRunLauncher(config, log),
  });
  await agent.start();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping the agent');
    void agent
      .stop()
      .then(() => telemetry.shutdown())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const fatal = await agent.whenFatal();
  log.fatal({ code: fatal.code }, fatal.message);
  agent.kill();
  await telemetry.shutdown();
  process.exit(2);
}

main().catch(async (error: unknown) => {
  log.fatal({ err: error }, 'the agent could not start');
  await telemetry.shutdown().catch(() => undefined);
  process.exit(1);
});
