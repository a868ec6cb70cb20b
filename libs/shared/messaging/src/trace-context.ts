import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import type { MsgHdrs } from 'nats';

const tracer = () => trace.getTracer('@tws/messaging');

/** Writes the active trace context (W3C traceparent) into NATS headers. No-op when tracing is off. */
export function injectTraceContext(headers: MsgHdrs): void {
  propagation.inject(context.active(), headers, {
    set: (carrier, key, value) => carrier.set(key, String(value)),
  });
}

/** Reads the trace context a publisher put into NATS headers. */
export function extractTraceContext(headers: MsgHdrs | undefined): Context {
  if (!headers) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, headers, {
    get: (carrier, key) => (carrier.has(key) ? carrier.get(key) : undefined),
    keys: (carrier) => carrier.keys(),
  });
}

/** Runs `fn` in a span (child of `parent`), ending it and recording failures. */
export async function inSpan<T>(
  name: string,
  kind: SpanKind,
  parent: Context,
  attributes: Record<string, string>,
  fn: () => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes }, parent, async (span) => {
    try {
      return await fn();
    } catch (e) {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
      throw e;
    } finally {
      span.end();
    }
  });
}

/** Records a failure on the active span (for failures that are handled, not thrown out of `inSpan`). */
export function markSpanFailed(e: unknown): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  span.recordException(e instanceof Error ? e : new Error(String(e)));
  span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) });
}

export { SpanKind, context as otelContext };
