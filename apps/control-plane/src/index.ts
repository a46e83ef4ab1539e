/**
 * The control plane's embeddable surface, for end-to-end tests and benchmarks
 * (Nx lets only `type:e2e` projects import an app).
 */
export { startControlPlane, type RunningControlPlane } from './server';
export { loadControlPlaneConfig, type ControlPlaneConfig } from './config/control-plane.config';
export { TOP_ASSETS_SQL } from './cost/api/cost-queries.repository';
