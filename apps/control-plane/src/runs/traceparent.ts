import { context, propagation } from '@opentelemetry/api';

/**
 * W3C `traceparent` of the active OpenTelemetry context, through the globally
 * registered propagator; undefined without an active span or propagator
 * (tracing is configured by @gantry/telemetry at boot, when enabled).
 */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier['traceparent'];
}
