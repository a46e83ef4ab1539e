import assert from 'node:assert/strict';
import { test } from 'node:test';
import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { currentTraceparent } from './traceparent';

test('currentTraceparent is undefined without an active span', () => {
  assert.equal(currentTraceparent(), undefined);
});

test('currentTraceparent injects the active span context through the global propagator', () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  try {
    const span = trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });
    const value = context.with(trace.setSpan(context.active(), span), () => currentTraceparent());
    assert.equal(value, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    assert.equal(currentTraceparent(), undefined, 'outside the span there is none');
  } finally {
    propagation.disable();
    context.disable();
  }
});
