import type { Logger } from 'pino';
import { AgentConfigError, type AgentConfig } from '../config';
import { KubernetesRunLauncher } from './kubernetes/kubernetes-launcher';
import { ProcessRunLauncher } from './process-launcher';
import type { RunLauncher } from './run-launcher';

/**
 * The launcher GANTRY_AGENT_LAUNCHER selects. The Kubernetes launcher reaches
 * the cluster through `KubeConfig.loadFromDefault()` (the pod's service
 * account in a cluster, else KUBECONFIG). Errors: AgentConfigError when the
 * selected launcher is not part of this build.
 */
export function createRunLauncher(config: Pick<AgentConfig, 'launcher' | 'kubernetes' | 'name'>, logger: Logger): RunLauncher {
  switch (config.launcher) {
    case 'process':
      return new ProcessRunLauncher();
    case 'kubernetes':
      return new KubernetesRunLauncher({
        namespace: config.kubernetes.namespace,
        runDefaults: config.kubernetes.runDefaults,
        agentName: config.name,
        logger: logger.child({ module: 'kubernetes-launcher' }),
      });
    case 'ecs':
      throw new AgentConfigError('GANTRY_AGENT_LAUNCHER=ecs: the ECS launcher is not part of this build yet');
  }
}
