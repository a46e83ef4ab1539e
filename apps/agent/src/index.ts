/**
 * The agent's embeddable surface, for end-to-end tests and benchmarks
 * (Nx lets only `type:e2e` projects import an app).
 */
export { startAgent, type AgentOptions, type RunningAgent } from './agent';
