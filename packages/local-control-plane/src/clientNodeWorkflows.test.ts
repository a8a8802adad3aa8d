import type * as K8s from '@kubernetes/client-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LocalControlPlane,
  startLocalControlPlane,
} from './startLocalControlPlane';

/**
 * What programs built on @kubernetes/client-node (the portal's backend among them) rely on beyond
 * get/apply: paginated lists, watches that start from a resourceVersion, and label-selected
 * informers.
 */
const ADMIN = 'client-node-admin';
const PATCHER = 'client-node-patcher';
const NS = 'team-search';

jest.setTimeout(30_000);

// Jest (without VM modules) cannot `await import()` this ESM-only package; Node 22's require() of
// ES modules can.
const k8s = createRequire(__filename)('@kubernetes/client-node') as typeof K8s;

describe('@kubernetes/client-node against the local control plane', () => {
  let plane: LocalControlPlane;
  let kc: K8s.KubeConfig;
  let core: K8s.CoreV1Api;

  /** A client authenticating with `token`, or with no credentials at all. */
  function clientFor(token: string | undefined) {
    const config = new k8s.KubeConfig();
    config.loadFromString(plane.kubeconfig(token ?? ''));
    if (!token) {
      config.users[0] = { name: config.users[0].name };
    }
    return config;
  }

  beforeAll(async () => {
    plane = await startLocalControlPlane({
      port: 0,
      postgres: false,
      tokens: [
        { token: ADMIN, user: 'admin', groups: ['system:masters'] },
        { token: PATCHER, user: 'patcher' },
      ],
    });
    kc = new k8s.KubeConfig();
    kc.loadFromString(plane.kubeconfig(ADMIN));
    core = kc.makeApiClient(k8s.CoreV1Api);
  });

  afterAll(async () => {
    await plane?.stop();
  });

  const configMap = (name: string, labels: Record<string, string> = {}) =>
    core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name, labels }, data: { k: name } },
    });

  it('pages a list with limit and continue', async () => {
    for (const name of ['page-a', 'page-b', 'page-c', 'page-d', 'page-e']) {
      await configMap(name, { paged: 'yes' });
    }
    const names: string[] = [];
    const remaining: Array<number | undefined> = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedConfigMap({
        namespace: NS,
        labelSelector: 'paged=yes',
        limit: 2,
        _continue: token,
      });
      pages++;
      names.push(...page.items.map(i => i.metadata!.name!));
      remaining.push(page.metadata?.remainingItemCount);
      token = page.metadata?._continue || undefined;
    } while (token && pages < 10);
    expect(remaining).toEqual([3, 1, undefined]);
    expect(pages).toBe(3);
    expect(names).toEqual(['page-a', 'page-b', 'page-c', 'page-d', 'page-e']);
  });

  it('answers a list or watch from a future resourceVersion with "Too large resource version"', async () => {
    const current = await core.listNamespacedConfigMap({ namespace: NS });
    const future = String(Number(current.metadata!.resourceVersion) + 1000);
    await expect(
      core.listNamespacedConfigMap({ namespace: NS, resourceVersion: future }),
    ).rejects.toMatchObject({
      code: 504,
      body: expect.stringContaining('Too large resource version'),
    });
    const ended = new Promise<unknown>(resolve => {
      new k8s.Watch(kc)
        .watch(
          `/api/v1/namespaces/${NS}/configmaps`,
          { resourceVersion: future },
          () => {},
          resolve,
        )
        .catch(resolve);
    });
    expect(await ended).toMatchObject({ statusCode: 504 });
  });

  it('keeps a label-selected informer cache in step when objects enter and leave the selection', async () => {
    const informer = k8s.makeInformer(
      kc,
      `/api/v1/namespaces/${NS}/configmaps`,
      () =>
        core.listNamespacedConfigMap({
          namespace: NS,
          labelSelector: 'tier=selected',
        }),
      'tier=selected',
    );
    const seen: string[] = [];
    const next = (event: 'add' | 'delete', name: string) =>
      new Promise<void>(resolve => {
        const listener = (obj: K8s.V1ConfigMap) => {
          if (obj.metadata?.name !== name) return;
          seen.push(`${event} ${name}`);
          informer.off(event, listener);
          resolve();
        };
        informer.on(event, listener);
      });
    await informer.start();
    try {
      const added = next('add', 'moving');
      await configMap('moving');
      await core.patchNamespacedConfigMap(
        {
          namespace: NS,
          name: 'moving',
          body: { metadata: { labels: { tier: 'selected' } } },
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await added;
      expect(informer.list().map(o => o.metadata!.name)).toEqual(['moving']);

      const left = next('delete', 'moving');
      await core.patchNamespacedConfigMap(
        {
          namespace: NS,
          name: 'moving',
          body: { metadata: { labels: { tier: null } } },
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await left;
      expect(informer.list()).toEqual([]);
      expect(seen).toEqual(['add moving', 'delete moving']);
    } finally {
      await informer.stop();
    }
  });

  it('honours the deprecated orphanDependents on delete', async () => {
    const owner = await configMap('orphaning-owner');
    await core.createNamespacedSecret({
      namespace: NS,
      body: {
        metadata: {
          name: 'orphaning-dependent',
          ownerReferences: [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              name: 'orphaning-owner',
              uid: owner.metadata!.uid!,
            },
          ],
        },
      },
    });
    await core.deleteNamespacedConfigMap({
      namespace: NS,
      name: 'orphaning-owner',
      orphanDependents: true,
    });
    const dependent = await core.readNamespacedSecret({
      namespace: NS,
      name: 'orphaning-dependent',
    });
    expect(dependent.metadata?.ownerReferences).toBeUndefined();
  });

  describe('from the API server list of issue 11', () => {
    const applyConfigMap = (
      client: K8s.CoreV1Api,
      name: string,
      fieldManager?: string,
    ) =>
      client.patchNamespacedConfigMap(
        {
          namespace: NS,
          name,
          fieldManager,
          body: {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name, namespace: NS },
            data: { applied: 'yes' },
          },
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
      );

    it('refuses an apply without fieldManager (422)', async () => {
      await expect(applyConfigMap(core, 'unmanaged')).rejects.toMatchObject({
        code: 422,
        body: expect.stringContaining(
          'fieldManager: Required value: is required for apply patch',
        ),
      });
    });

    it('needs the create verb for an apply that creates', async () => {
      const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
      await rbac.createNamespacedRole({
        namespace: NS,
        body: {
          metadata: { name: 'patch-configmaps' },
          rules: [
            {
              apiGroups: [''],
              resources: ['configmaps'],
              verbs: ['get', 'patch'],
            },
          ],
        },
      });
      await rbac.createNamespacedRoleBinding({
        namespace: NS,
        body: {
          metadata: { name: 'patcher' },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'Role',
            name: 'patch-configmaps',
          },
          subjects: [
            {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'User',
              name: 'patcher',
            },
          ],
        },
      });
      const patcher = clientFor(PATCHER).makeApiClient(k8s.CoreV1Api);
      await expect(
        applyConfigMap(patcher, 'not-yet', 'patcher'),
      ).rejects.toMatchObject({
        code: 403,
        body: expect.stringContaining(
          'User \\"patcher\\" cannot create resource \\"configmaps\\"',
        ),
      });
      await configMap('already-there');
      const applied = await applyConfigMap(patcher, 'already-there', 'patcher');
      expect(applied.data).toEqual({ k: 'already-there', applied: 'yes' });
    });

    it('sends the initial state, then a BOOKMARK marking its end', async () => {
      await configMap('bookmarked', { watched: 'bookmark' });
      const events: Array<{ type: string; obj: K8s.KubernetesObject }> = [];
      let abort: AbortController | undefined;
      const initialEnd = new Promise<void>(resolve => {
        void new k8s.Watch(kc)
          .watch(
            `/api/v1/namespaces/${NS}/configmaps`,
            {
              labelSelector: 'watched=bookmark',
              allowWatchBookmarks: true,
              sendInitialEvents: true,
              resourceVersionMatch: 'NotOlderThan',
            },
            (type: string, obj: K8s.KubernetesObject) => {
              events.push({ type, obj });
              if (type === 'BOOKMARK') resolve();
            },
            () => {},
          )
          .then(controller => {
            abort = controller;
          });
      });
      await initialEnd;
      abort?.abort();
      expect(events.map(e => e.type)).toEqual(['ADDED', 'BOOKMARK']);
      expect(events[1].obj.metadata?.annotations).toEqual({
        'k8s.io/initial-events-end': 'true',
      });
    });

    it('prefers the GA version in discovery (GA > beta > alpha)', async () => {
      const crds = kc.makeApiClient(k8s.ApiextensionsV1Api);
      const version = (name: string, storage: boolean) => ({
        name,
        served: true,
        storage,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            'x-kubernetes-preserve-unknown-fields': true,
          },
        },
      });
      await crds.createCustomResourceDefinition({
        body: {
          metadata: { name: 'widgets.example.fernhill.io' },
          spec: {
            group: 'example.fernhill.io',
            scope: 'Namespaced',
            names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
            versions: [
              version('v1alpha1', false),
              version('v1beta1', false),
              version('v1', true),
            ],
          },
        },
      });
      const groups = await kc.makeApiClient(k8s.ApisApi).getAPIVersions();
      const group = groups.groups.find(g => g.name === 'example.fernhill.io');
      expect(group?.preferredVersion?.version).toBe('v1');
      expect(group?.versions.map(v => v.version)).toEqual([
        'v1',
        'v1beta1',
        'v1alpha1',
      ]);
    });

    it('fills in uid and creationTimestamp on a dry-run create', async () => {
      const dry = await core.createNamespacedConfigMap({
        namespace: NS,
        dryRun: 'All',
        body: { metadata: { name: 'dry' } },
      });
      expect(dry.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(dry.metadata?.creationTimestamp).toBeInstanceOf(Date);
      await expect(
        core.readNamespacedConfigMap({ namespace: NS, name: 'dry' }),
      ).rejects.toMatchObject({ code: 404 });
    });

    it('treats a request without credentials as system:anonymous (403, not 401)', async () => {
      const anonymous = clientFor(undefined).makeApiClient(k8s.CoreV1Api);
      await expect(
        anonymous.listNamespacedConfigMap({ namespace: NS }),
      ).rejects.toMatchObject({
        code: 403,
        body: expect.stringContaining(
          'User \\"system:anonymous\\" cannot list',
        ),
      });
      const wrong = clientFor('not-a-token').makeApiClient(k8s.CoreV1Api);
      await expect(
        wrong.listNamespacedConfigMap({ namespace: NS }),
      ).rejects.toMatchObject({ code: 401 });
    });
  });

  // A watch resuming from a version the server no longer keeps gets an ERROR event carrying a 410
  // Status (reason Expired), which is what makes client-node's informers and controllers relist
  // ("Efficient detection of changes" in the Kubernetes API concepts). After a restart the local
  // control plane keeps no event history, like an API server whose watch cache was rebuilt.
  it('answers a watch from a version older than its history with an ERROR event and a 410 Status', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lcp-watch-expired-'));
    const start = () =>
      startLocalControlPlane({
        port: 0,
        postgres: false,
        dataDir,
        tokens: [{ token: ADMIN, user: 'admin', groups: ['system:masters'] }],
      });
    let restarted: LocalControlPlane | undefined;
    try {
      const first = await start();
      const firstConfig = new k8s.KubeConfig();
      firstConfig.loadFromString(first.kubeconfig(ADMIN));
      const created = await firstConfig
        .makeApiClient(k8s.CoreV1Api)
        .createNamespacedConfigMap({
          namespace: 'default',
          body: { metadata: { name: 'before-restart' } },
        });
      await first.stop();

      restarted = await start();
      const config = new k8s.KubeConfig();
      config.loadFromString(restarted.kubeconfig(ADMIN));
      const events: Array<{ type: string; obj: any }> = [];
      const ended = new Promise<void>(resolve => {
        void new k8s.Watch(config).watch(
          '/api/v1/namespaces/default/configmaps',
          {
            resourceVersion: String(
              Number(created.metadata!.resourceVersion) - 1,
            ),
          },
          (type: string, obj: any) => events.push({ type, obj }),
          () => resolve(),
        );
      });
      await ended;
      expect(events).toEqual([
        {
          type: 'ERROR',
          obj: expect.objectContaining({
            kind: 'Status',
            status: 'Failure',
            code: 410,
            reason: 'Expired',
            message: expect.stringContaining('too old resource version'),
          }),
        },
      ]);
    } finally {
      await restarted?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
