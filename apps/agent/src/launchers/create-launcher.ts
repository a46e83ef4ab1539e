import type { Logger } from 'pino';
import { AgentConfigError, type AgentConfig } from '../config';
import { EcsLauncher } from './ecs/ecs-launcher';
import { KubernetesRunLauncher } from './kubernetes/kubernetes-launcher';
import { ProcessRunLauncher } from './process-launcher';
import type { RunLauncher } from './run-launcher';

/**
 * The launcher GANTRY_AGENT_LAUNCHER selects. The Kubernetes launcher reaches
 * the cluster through `KubeConfig.loadFromDefault()` (the pod's service
 * account in a cluster, else KUBECONFIG). Errors: AgentConfigError when the
 * selected launcher is not part of this build.
 */
export function createRunLauncher(config: Pick<AgentConfig, 'launcher' | 'kubernetes' | 'name' | 'ecs'>, logger: Logger): RunLauncher {
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
        onPollError: (error, runId) => logger.warn({ err: error, runId, module: 'ecs-launcher' }, 'ECS poll failed; retrying at the next interval'),
      });
    }
    case 'kubernetes':
      return new KubernetesRunLauncher({
        namespace: config.kubernetes.namespace,
        runDefaults: config.kubernetes.runDefaults,
        agentName: config.name,
        logger: logger.child({ module: 'kubernetes-launcher' }),
      });
  }
}
