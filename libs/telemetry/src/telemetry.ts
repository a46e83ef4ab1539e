import { context, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Options of {@link startTelemetry}. */
export interface TelemetryOptions {
  /** `service.name` resource attribute, e.g. `gantry-control-plane`. */
  serviceName: string;
  /** Extra exporter (tests pass an InMemorySpanExporter); exported synchronously. */
  exporter?: SpanExporter;
  /**
   * OTLP/HTTP endpoint; spans are exported there in batches when set.
   * Default: `OTEL_EXPORTER_OTLP_ENDPOINT`, unset means no OTLP export.
   */
  otlpEndpoint?: string;
}

/** A started OpenTelemetry SDK. */
export interface Telemetry {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

let started: Telemetry | undefined;

/**
 * Starts the OpenTelemetry Node SDK once per process with the W3C trace-context
 * propagator. Later calls return the first instance (one SDK per process).
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (started) return started;
  const processors: SpanProcessor[] = [];
  if (options.exporter) processors.push(new SimpleSpanProcessor(options.exporter));
  const endpoint = options.otlpEndpoint ?? process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  if (endpoint) processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` })));
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: processors,
    textMapPropagator: new W3CTraceContextPropagator(),
    instrumentations: [],
  });
  sdk.start();
  started = {
    tracer: trace.getTracer('gantry'),
    shutdown: async () => {
      started = undefined;
      await sdk.shutdown();
    },
  };
  return started;
}

/** The tracer for Gantry spans (a no-op tracer until {@link startTelemetry} ran). */
export function gantryTracer(): Tracer {
  return trace.getTracer('gantry');
}

/** W3C `traceparent` of a span (or of the active context); undefined when there is no valid span. */
export function traceparentOf(span?: Span): string | undefined {
  const carrier: Record<string, string> = {};
  const ctx = span ? trace.setSpan(context.active(), span) : context.active();
  new W3CTraceContextPropagator().inject(ctx, carrier, { set: (c, k, v) => (c[k] = v) });
  return carrier['traceparent'];
}

/** A context whose parent is the given `traceparent` (the root context when it is empty or invalid). */
export function contextFromTraceparent(traceparent: string | null | undefined): Context {
  if (!traceparent) return context.active();
  const carrier: Record<string, string> = { traceparent };
  return new W3CTraceContextPropagator().extract(context.active(), carrier, { get: (c, k) => c[k], keys: (c) => Object.keys(c) });
}
