import { createRequire } from 'node:module';
import { context, propagation, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const require = createRequire(import.meta.url);

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
 * Starts OpenTelemetry tracing once per process: a Node tracer provider (async
 * context through AsyncLocalStorage) with the W3C trace-context propagator and
 * the resource attributes NodeSDK would detect (env, process, host). Later calls
 * return the first instance. Only traces are set up: `@opentelemetry/sdk-node`
 * (which also loads the metrics and logs SDKs and every exporter, ~70 MB of
 * resident memory) is not used, and the OTLP exporter is loaded only when an
 * endpoint is configured.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (started) return started;
  const processors: SpanProcessor[] = [];
  if (options.exporter) processors.push(new SimpleSpanProcessor(options.exporter));
  const endpoint = options.otlpEndpoint ?? process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  if (endpoint) {
    const { OTLPTraceExporter: Exporter } = require('@opentelemetry/exporter-trace-otlp-http') as { OTLPTraceExporter: typeof OTLPTraceExporter };
    processors.push(new BatchSpanProcessor(new Exporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` })));
  }
  const resource = detectResources({ detectors: [envDetector, processDetector, hostDetector] }).merge(
    resourceFromAttributes({ 'service.name': options.serviceName }),
  );
  const provider = new NodeTracerProvider({ resource, spanProcessors: processors });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  started = {
    tracer: trace.getTracer('gantry'),
    shutdown: async () => {
      started = undefined;
      await provider.shutdown();
      // Unregister the globals so that a later startTelemetry() in this process registers afresh.
      trace.disable();
      propagation.disable();
      context.disable();
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
