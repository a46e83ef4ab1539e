/**
 * The agent's embeddable surface, for end-to-end tests and benchmarks
 * (Nx lets only `type:e2e` projects import an app).
 */
export { startAgent, type AgentOptions, type RunningAgent } from './agent';
export type { RunLauncher, LaunchedRun, RunLaunchRequest, RunExit, AdoptedRun } from './launchers/run-launcher';
export { ProcessRunLauncher } from './launchers/process-launcher';
export { KubernetesRunLauncher, type KubernetesRunLauncherOptions } from './launchers/kubernetes/kubernetes-launcher';
/** Test support: the simulated Kubernetes API server (never a real cluster). */
export { startSimulatedApiServer, type SimulatedApiServer } from './launchers/kubernetes/testing/simulated-api-server';
