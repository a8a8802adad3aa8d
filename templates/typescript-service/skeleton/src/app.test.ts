import assert from 'node:assert/strict';
import { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApp } from './app';

describe('${{ values.name }}', () => {
  const server = createApp();
  let base = '';

  before(async () => {
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>(resolve => server.close(() => resolve())));

  it('answers the health check', async () => {
    const response = await fetch(`${base}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  it('counts requests in the Prometheus metrics', async () => {
    await fetch(`${base}/`);
    const response = await fetch(`${base}/metrics`);
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /http_requests_total\{route="\/",code="200"\} 1/);
    assert.match(text, /http_request_duration_seconds_bucket/);
  });

  it('answers 404 for unknown paths and other methods', async () => {
    assert.equal((await fetch(`${base}/nope`)).status, 404);
    assert.equal((await fetch(`${base}/healthz`, { method: 'POST' })).status, 404);
  });
});
