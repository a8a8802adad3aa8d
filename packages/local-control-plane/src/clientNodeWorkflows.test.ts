import type * as K8s from '@kubernetes/client-node';
import { createRequire } from 'node:module';
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
const NS = 'team-search';

jest.setTimeout(30_000);

// Jest (without VM modules) cannot `await import()` this ESM-only package; Node 22's require() of
// ES modules can (the same way as crossplane-node's loadKubernetesClientNatively, which depends on
// this package and so cannot be imported here).
const k8s = createRequire(__filename)('@kubernetes/client-node') as typeof K8s;

describe('@kubernetes/client-node against the local control plane', () => {
  let plane: LocalControlPlane;
  let kc: K8s.KubeConfig;
  let core: K8s.CoreV1Api;

  beforeAll(async () => {
    plane = await startLocalControlPlane({
      port: 0,
      postgres: false,
      tokens: [{ token: ADMIN, user: 'admin', groups: ['system:masters'] }],
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
});
