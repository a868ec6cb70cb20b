import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';

export interface TelemetryHandle {
  enabled: boolean;
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing. Must run before the application's modules are loaded (each
 * app's `instrument.ts` is the first import of its `main.ts`), so HTTP is instrumented.
 * Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (or span processors are given, in tests);
 * NATS hops carry the W3C trace context in message headers (see @tws/messaging).
 */
export function startTelemetry(
  service: string,
  opts: { endpoint?: string; spanProcessors?: SpanProcessor[] } = {},
): TelemetryHandle {
  const endpoint = opts.endpoint ?? process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  const processors = [...(opts.spanProcessors ?? [])];
  if (endpoint) {
    processors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }) }));
  }
  if (processors.length === 0) return { enabled: false, shutdown: async () => undefined };
  const sdk = new NodeSDK({
    serviceName: service,
    spanProcessors: processors,
    instrumentations: [new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /^\/(health|metrics)/.test(req.url ?? '') })],
    autoDetectResources: false,
  });
  sdk.start();
  const shutdown = () => sdk.shutdown().catch(() => undefined);
  process.once('beforeExit', () => void shutdown());
  return { enabled: true, shutdown };
}
