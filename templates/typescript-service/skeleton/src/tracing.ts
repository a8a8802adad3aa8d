import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/**
 * OpenTelemetry tracing, on by default: spans for every HTTP request, exported over OTLP/HTTP to
 * OTEL_EXPORTER_OTLP_ENDPOINT (the cluster's collector; the Helm chart sets it). Set
 * OTEL_SDK_DISABLED=true to switch it off.
 */
export function startTracing(): NodeTracerProvider | undefined {
  if (process.env.OTEL_SDK_DISABLED === 'true') return undefined;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: process.env.OTEL_SERVICE_NAME ?? '${{ values.name }}',
    }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes would drown the real traffic.
        ignoreIncomingRequestHook: req =>
          req.url === '/healthz' || req.url === '/metrics',
      }),
    ],
  });
  return provider;
}
