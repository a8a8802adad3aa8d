import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LocalControlPlane,
  startLocalControlPlane,
} from './startLocalControlPlane';
import {
  KUBERNETES_PLUGIN_SERVICE_ACCOUNT_USER,
  PORTAL_SERVICE_ACCOUNT_USER,
} from './defaults';

const ADMIN = 'admin-token';
const PORTAL = 'portal-token';
const KUBERNETES_TAB = 'kubernetes-tab-token';
const XRS =
  '/apis/platform.fernhill.io/v1alpha1/namespaces/team-payments/postgresqlinstances';

function xr(
  name: string,
  spec: Record<string, unknown> = {},
  labels: Record<string, string> = {},
) {
  return {
    apiVersion: 'platform.fernhill.io/v1alpha1',
    kind: 'PostgreSQLInstance',
    metadata: { name, labels },
    spec: {
      size: 'small',
      environment: 'dev',
      owner: 'payments',
      connectionSecretName: `${name}-connection`,
      ...spec,
    },
  };
}

function encodeBody(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

describe('startLocalControlPlane (API only)', () => {
  let dataDir: string;
  let plane: LocalControlPlane;

  const start = () =>
    startLocalControlPlane({
      port: 0,
      dataDir,
      postgres: false,
      tokens: [
        { token: ADMIN, user: 'admin', groups: ['system:masters'] },
        { token: PORTAL, user: PORTAL_SERVICE_ACCOUNT_USER },
        { token: KUBERNETES_TAB, user: KUBERNETES_PLUGIN_SERVICE_ACCOUNT_USER },
      ],
    });

  async function call(
    method: string,
    path: string,
    options: {
      token?: string | null;
      body?: unknown;
      contentType?: string;
    } = {},
  ) {
    const token = options.token === undefined ? ADMIN : options.token;
    const res = await fetch(`${plane.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        'content-type': options.contentType ?? 'application/json',
      },
      body: encodeBody(options.body),
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lcp-api-test-'));
    plane = await start();
  });

  afterAll(async () => {
    await plane.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves discovery for the XR type', async () => {
    const version = await call('GET', '/version', { token: null });
    expect(version.status).toBe(200);
    const groups = await call('GET', '/apis');
    expect(groups.body.groups.map((g: any) => g.name)).toContain(
      'platform.fernhill.io',
    );
    const resources = await call('GET', '/apis/platform.fernhill.io/v1alpha1');
    expect(resources.body.resources.map((r: any) => r.name)).toEqual([
      'postgresqlinstances',
      'postgresqlinstances/status',
    ]);
    expect(resources.body.resources[0]).toMatchObject({
      kind: 'PostgreSQLInstance',
      namespaced: true,
    });
  });

  it('rejects unknown tokens with 401 and requests without credentials as system:anonymous (403)', async () => {
    const unknown = await call('GET', '/api/v1/namespaces', { token: 'nope' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({
      kind: 'Status',
      reason: 'Unauthorized',
      code: 401,
    });
    const anonymous = await call('GET', '/api/v1/namespaces', { token: null });
    expect(anonymous.status).toBe(403);
    expect(anonymous.body).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      message:
        'namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope',
    });
  });

  it('answers only requests whose Host names this machine (DNS rebinding gets 403)', async () => {
    const withHost = (host: string) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port: plane.port,
            path: '/api/v1/namespaces',
            headers: { host, authorization: `Bearer ${ADMIN}` },
          },
          res => {
            let text = '';
            res.on('data', chunk => (text += chunk));
            res.on('end', () =>
              resolve({ status: res.statusCode!, body: JSON.parse(text) }),
            );
          },
        );
        req.on('error', reject);
        req.end();
      });
    for (const host of [
      `127.0.0.1:${plane.port}`,
      `localhost:${plane.port}`,
      `LOCALHOST:${plane.port}`,
      `[::1]:${plane.port}`,
    ]) {
      expect({ host, status: (await withHost(host)).status }).toEqual({
        host,
        status: 200,
      });
    }
    for (const host of [
      `rebind.attacker.example:${plane.port}`,
      'attacker.example',
      `127.0.0.1.attacker.example:${plane.port}`,
      `192.168.1.20:${plane.port}`,
    ]) {
      const answer = await withHost(host);
      expect({ host, status: answer.status }).toEqual({ host, status: 403 });
      expect(answer.body).toMatchObject({
        kind: 'Status',
        reason: 'Forbidden',
      });
    }
  });

  it('authorizes the portal with the RBAC from crossplane/rbac', async () => {
    const secrets = await call(
      'GET',
      '/api/v1/namespaces/team-payments/secrets',
      { token: PORTAL },
    );
    expect(secrets.status).toBe(403);
    expect(secrets.body.message).toBe(
      `secrets is forbidden: User "${PORTAL_SERVICE_ACCOUNT_USER}" cannot list resource "secrets" in API group "" in the namespace "team-payments"`,
    );
    const elsewhere = await call(
      'POST',
      '/apis/platform.fernhill.io/v1alpha1/namespaces/backstage/postgresqlinstances',
      { token: PORTAL, body: xr('sneaky') },
    );
    expect(elsewhere.status).toBe(403);
    const created = await call('POST', XRS, {
      token: PORTAL,
      body: xr('portal-db'),
    });
    expect(created.status).toBe(201);
    // Workloads are the Kubernetes tab's to read, with its own account, not the portal's.
    const pods = await call('GET', '/api/v1/namespaces/team-payments/pods', {
      token: PORTAL,
    });
    expect(pods.status).toBe(403);
    const tabPods = await call('GET', '/api/v1/namespaces/team-payments/pods', {
      token: KUBERNETES_TAB,
    });
    expect(tabPods).toMatchObject({
      status: 200,
      body: { kind: 'PodList', items: [] },
    });
    const allPods = await call('GET', '/api/v1/pods', {
      token: KUBERNETES_TAB,
    });
    expect(allPods.status).toBe(403);
    const removed = await call('DELETE', `${XRS}/portal-db`, { token: PORTAL });
    expect(removed.status).toBe(403);
    expect(removed.body.reason).toBe('Forbidden');
  });

  it('validates XRs against the XRD schema with field causes', async () => {
    const res = await call('POST', XRS, {
      body: xr('bad-size', { size: 'huge', backupRetentionDays: 99 }),
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      kind: 'Status',
      reason: 'Invalid',
      code: 422,
    });
    expect(res.body.details.causes).toEqual(
      expect.arrayContaining([
        {
          reason: 'FieldValueNotSupported',
          field: 'spec.size',
          message:
            'Unsupported value: "huge": supported values: "small", "medium", "large"',
        },
        expect.objectContaining({ field: 'spec.backupRetentionDays' }),
      ]),
    );
    const upper = await call('POST', XRS, { body: xr('Bad-Name') });
    expect(upper.status).toBe(422);
    expect(upper.body.details.causes[0].field).toBe('metadata.name');
    const strict = await call('POST', `${XRS}?fieldValidation=Strict`, {
      body: xr('strict', { colour: 'blue' }),
    });
    expect(strict.status).toBe(400);
    expect(strict.body.message).toContain('unknown field "spec.colour"');
  });

  it('applies defaults from the schema', async () => {
    const res = await call('POST', XRS, { body: xr('defaults') });
    expect(res.status).toBe(201);
    expect(res.body.spec).toMatchObject({
      region: 'eu-west-1',
      backupRetentionDays: 7,
      deletionPolicy: 'Delete',
    });
  });

  it('server-side apply is idempotent and detects field manager conflicts', async () => {
    const yaml = (size: string) =>
      `apiVersion: platform.fernhill.io/v1alpha1\nkind: PostgreSQLInstance\nmetadata:\n  name: applied\nspec:\n  size: ${size}\n  environment: dev\n  owner: payments\n  connectionSecretName: applied-connection\n`;
    const apply = (manager: string, size: string, force = false) =>
      call(
        'PATCH',
        `${XRS}/applied?fieldManager=${manager}${force ? '&force=true' : ''}`,
        {
          body: yaml(size),
          contentType: 'application/apply-patch+yaml',
        },
      );
    const first = await apply('portal', 'small');
    expect(first.status).toBe(201);
    const again = await apply('portal', 'small');
    expect(again.status).toBe(200);
    expect(again.body.metadata.resourceVersion).toBe(
      first.body.metadata.resourceVersion,
    );
    expect(again.body.metadata.managedFields[0]).toMatchObject({
      manager: 'portal',
      operation: 'Apply',
    });

    const conflict = await apply('someone-else', 'large');
    expect(conflict.status).toBe(409);
    expect(conflict.body.reason).toBe('Conflict');
    expect(conflict.body.details.causes[0]).toMatchObject({
      field: '.spec.size',
      reason: 'FieldManagerConflict',
    });
    const forced = await apply('someone-else', 'large', true);
    expect(forced.status).toBe(200);
    expect(forced.body.spec.size).toBe('large');
    expect(forced.body.metadata.generation).toBe(2);
  });

  it('server-side apply honours dryRun and turns 20 identical concurrent requests into one XR', async () => {
    const body = JSON.stringify(xr('twenty'));
    const apply = (query = '') =>
      call(
        'PATCH',
        `${XRS}/twenty?fieldManager=backstage-portal&force=true${query}`,
        {
          body,
          contentType: 'application/apply-patch+yaml',
        },
      );
    const dry = await apply('&dryRun=All');
    expect(dry.status).toBe(201);
    expect((await call('GET', `${XRS}/twenty`)).status).toBe(404);

    const results = await Promise.all(
      Array.from({ length: 20 }, () => apply()),
    );
    const statuses = results.map(r => r.status);
    expect(statuses.filter(code => code === 201)).toHaveLength(1);
    expect(statuses.filter(code => code === 200)).toHaveLength(19);
    expect(new Set(results.map(r => r.body.metadata.uid)).size).toBe(1);
    expect(
      new Set(results.map(r => r.body.metadata.resourceVersion)).size,
    ).toBe(1);
    const list = await call(
      'GET',
      `${XRS}?fieldSelector=metadata.name%3Dtwenty`,
    );
    expect(list.body.items).toHaveLength(1);
  });

  it('rejects stale resourceVersions with 409', async () => {
    const created = await call('POST', XRS, { body: xr('versioned') });
    const rv = created.body.metadata.resourceVersion;
    const ok = await call('PATCH', `${XRS}/versioned`, {
      body: { metadata: { resourceVersion: rv }, spec: { size: 'medium' } },
      contentType: 'application/merge-patch+json',
    });
    expect(ok.status).toBe(200);
    const stale = await call('PUT', `${XRS}/versioned`, {
      body: { ...created.body, spec: { ...created.body.spec, size: 'large' } },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toContain('the object has been modified');
  });

  it('keeps status behind the status subresource', async () => {
    await call('POST', XRS, { body: xr('with-status') });
    const ignored = await call('PATCH', `${XRS}/with-status`, {
      body: { status: { endpoint: 'x:1' } },
      contentType: 'application/merge-patch+json',
    });
    expect(ignored.body.status).toBeUndefined();
    const set = await call('PATCH', `${XRS}/with-status/status`, {
      body: {
        status: {
          endpoint: 'db:5432',
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Available',
              lastTransitionTime: '2026-01-01T00:00:00Z',
            },
          ],
        },
      },
      contentType: 'application/merge-patch+json',
    });
    expect(set.status).toBe(200);
    expect(set.body.status.endpoint).toBe('db:5432');
    expect(set.body.metadata.generation).toBe(1);
  });

  it('lists with label selectors and supports dry runs', async () => {
    await call('POST', XRS, {
      body: xr('labelled-a', {}, { 'backstage.io/component': 'payments-api' }),
    });
    await call('POST', XRS, {
      body: xr('labelled-b', {}, { 'backstage.io/component': 'ledger' }),
    });
    const list = await call(
      'GET',
      `${XRS}?labelSelector=${encodeURIComponent(
        'backstage.io/component in (payments-api)',
      )}`,
    );
    expect(list.body.kind).toBe('PostgreSQLInstanceList');
    expect(list.body.items.map((i: any) => i.metadata.name)).toEqual([
      'labelled-a',
    ]);
    const dry = await call('POST', `${XRS}?dryRun=All`, { body: xr('dry') });
    expect(dry.status).toBe(201);
    expect((await call('GET', `${XRS}/dry`)).status).toBe(404);
  });

  it('streams watch events', async () => {
    await call('POST', XRS, { body: xr('watched') });
    const list = await call(
      'GET',
      `${XRS}?fieldSelector=metadata.name%3Dwatched`,
    );
    const controller = new AbortController();
    const res = await fetch(
      `${plane.url}${XRS}?watch=true&fieldSelector=metadata.name%3Dwatched&resourceVersion=${list.body.metadata.resourceVersion}`,
      {
        headers: { authorization: `Bearer ${ADMIN}` },
        signal: controller.signal,
      },
    );
    const reader = res.body!.getReader();
    await call('PATCH', `${XRS}/watched`, {
      body: { metadata: { labels: { touched: 'yes' } } },
      contentType: 'application/merge-patch+json',
    });
    await call('DELETE', `${XRS}/watched`);
    let text = '';
    while (text.split('\n').filter(Boolean).length < 2) {
      const { value } = await reader.read();
      text += Buffer.from(value!).toString('utf8');
    }
    controller.abort();
    const events = text
      .split('\n')
      .filter(Boolean)
      .map(l => JSON.parse(l));
    expect(events.map(e => e.type)).toEqual(['MODIFIED', 'DELETED']);
    expect(events[0].object.metadata.labels.touched).toBe('yes');
  });

  it('keeps state across a restart', async () => {
    const before = await call('GET', `${XRS}/defaults`);
    await plane.stop();
    plane = await start();
    const after = await call('GET', `${XRS}/defaults`);
    expect(after.status).toBe(200);
    expect(after.body.metadata.uid).toBe(before.body.metadata.uid);
    const next = await call('POST', XRS, { body: xr('after-restart') });
    expect(Number(next.body.metadata.resourceVersion)).toBeGreaterThan(
      Number(before.body.metadata.resourceVersion),
    );
  });
});
