// Tracing first, so the HTTP module is instrumented before the app loads it.
import { startTracing } from './tracing';

const provider = startTracing();

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createApp } = require('./app') as typeof import('./app');

const port = Number(process.env.PORT ?? 8080);
const server = createApp().listen(port, () => {
  console.log(`${{ values.name }} listening on :${port}`);
});

function shutdown() {
  server.close(() => {
    void (provider?.shutdown() ?? Promise.resolve()).then(() => process.exit(0));
  });
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
