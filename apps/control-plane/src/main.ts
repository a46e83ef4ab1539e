import { startTelemetry } from '@gantry/telemetry';
import { loadControlPlaneConfig } from './config/control-plane.config';
import { startControlPlane } from './server';

/**
 * Entry point: `node --import tsx apps/control-plane/src/main.ts` with
 * DATABASE_URL set. Traces go to OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
const telemetry = startTelemetry({ serviceName: 'gantry-control-plane' });
const running = await startControlPlane(loadControlPlaneConfig());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    running.logger.info({ signal }, 'shutting down: letting in-flight streams finish');
    void running
      .close()
      .then(() => telemetry.shutdown())
      .then(() => process.exit(0));
  });
}
