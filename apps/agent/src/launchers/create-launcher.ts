import type { AgentConfig } from '../config';
import { AgentConfigError } from '../config';
import { ProcessRunLauncher } from './process-launcher';
import type { RunLauncher } from './run-launcher';

/**
 * The launcher GANTRY_AGENT_LAUNCHER selects. Errors: AgentConfigError when
 * the selected launcher is not part of this build.
 */
export function createRunLauncher(config: Pick<AgentConfig, 'launcher' | 'kubernetes' | 'name'>): RunLauncher {
  switch (config.launcher) {
    case 'process':
      return new ProcessRunLauncher();
    case 'kubernetes':
    case 'ecs':
      throw new AgentConfigError(`GANTRY_AGENT_LAUNCHER=${config.launcher}: this launcher is not part of this build yet`);
  }
}
