import { loadControlPlaneConfig } from './config/control-plane.config';
import { startControlPlane } from './server';

/** Entry point: `node --import tsx apps/control-plane/src/main.ts` with DATABASE_URL set. */
const running = await startControlPlane(loadControlPlaneConfig());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    running.logger.info({ signal }, 'shutting down');
    void running.close().then(() => process.exit(0));
  });
}
