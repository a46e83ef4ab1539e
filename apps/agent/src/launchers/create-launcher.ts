import type { Logger } from 'pino';
import type { AgentConfig } from '../config';
import { AgentConfigError } from '../config';
import { EcsLauncher } from './ecs/ecs-launcher';
import { ProcessRunLauncher } from './process-launcher';
import type { RunLauncher } from './run-launcher';

/**
 * The launcher GANTRY_AGENT_LAUNCHER selects. Errors: AgentConfigError when
 * the selected launcher is not part of this build.
 */
export function createRunLauncher(config: Pick<AgentConfig, 'launcher' | 'kubernetes' | 'name' | 'ecs'>, log?: Logger): RunLauncher {
  switch (config.launcher) {
    case 'process':
      return new ProcessRunLauncher();
    case 'ecs': {
      if (!config.ecs) throw new AgentConfigError('GANTRY_AGENT_LAUNCHER=ecs needs GANTRY_ECS_CLUSTER and AWS_REGION');
      const { cluster, region, runDefaults, pollIntervalMs } = config.ecs;
      return new EcsLauncher({
        cluster,
        region,
        runDefaults,
        pollIntervalMs,
        onPollError: (error, runId) => log?.warn({ err: error, runId }, 'ECS poll failed; retrying at the next interval'),
      });
    }
    case 'kubernetes':
      throw new AgentConfigError(`GANTRY_AGENT_LAUNCHER=${config.launcher}: this launcher is not part of this build yet`);
  }
}
