import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';
import { createMetrics, Metrics } from './metrics';

const tracer = trace.getTracer('${{ values.name }}');

type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  metrics: Metrics,
) => Promise<void> | void;

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const routes: Record<string, Handler> = {
  // Liveness and readiness probes (Helm chart) call this; keep it free of dependencies.
  '/healthz': (_req, res) => json(res, 200, { status: 'ok' }),
  '/metrics': async (_req, res, metrics) => {
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(await metrics.registry.metrics());
  },
  '/': (_req, res) =>
    tracer.startActiveSpan('hello', span => {
      json(res, 200, { service: '${{ values.name }}', message: 'hello' });
      span.end();
    }),
};

/** The HTTP service: routes, a request counter and a latency histogram per route. */
export function createApp(metrics: Metrics = createMetrics()): Server {
  return createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const handler = req.method === 'GET' ? routes[path] : undefined;
    const route = handler ? path : 'unmatched';
    const stop = metrics.duration.startTimer({ route });
    try {
      if (handler) {
        await handler(req, res, metrics);
      } else {
        json(res, 404, { error: 'not found' });
      }
    } catch (error) {
      json(res, 500, { error: 'internal error' });
    } finally {
      stop();
      metrics.requests.inc({ route, code: String(res.statusCode) });
    }
  });
}
