import { ObjectService } from '../api/ObjectService';
import { deepEqual, JsonObject, KubeObject } from '../api/objects';
import { ResourceTypeRegistry } from '../api/resourceTypes';
import { ObjectStore, StoreEvent } from '../store/ObjectStore';
import { xrdToCrd } from './xrdToCrd';

const CONTROLLER_MANAGER = 'local-control-plane';

function establishedConditions(previous: unknown, types: string[]) {
  const existing = Array.isArray(previous) ? (previous as JsonObject[]) : [];
  return types.map(type => {
    const before = existing.find(c => c.type === type);
    return before?.status === 'True'
      ? before
      : {
          type,
          status: 'True',
          reason:
            type === 'NamesAccepted' ? 'NoConflicts' : 'InitialNamesAccepted',
          message:
            type === 'NamesAccepted'
              ? 'no conflicts found'
              : 'the initial names have been accepted',
          lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        };
  });
}

/**
 * The apiextensions controller: a stored CRD becomes a served type (and Established) synchronously,
 * so `kubectl apply` of a CRD followed by its objects works; deleting a CRD deletes its objects.
 */
export function startCrdController(
  store: ObjectStore,
  registry: ResourceTypeRegistry,
  service: ObjectService,
): () => void {
  const crdType = registry.lookup(
    'apiextensions.k8s.io',
    'v1',
    'customresourcedefinitions',
  )!;
  const sync = (crd: KubeObject) => {
    const types = registry.registerCrd(crd);
    const status = (crd.status as JsonObject) ?? {};
    const conditions = establishedConditions(status.conditions, [
      'NamesAccepted',
      'Established',
    ]);
    const spec = crd.spec as JsonObject;
    const desired = {
      conditions,
      acceptedNames: spec.names,
      storedVersions: types.length ? [types[types.length - 1].version] : [],
    };
    if (!deepEqual(status, desired)) {
      service.update(
        crdType,
        undefined,
        crd.metadata.name!,
        { ...crd, status: desired },
        {
          subresource: 'status',
          fieldManager: CONTROLLER_MANAGER,
        },
      );
    }
  };
  for (const crd of store.list(
    'apiextensions.k8s.io',
    'customresourcedefinitions',
  )) {
    registry.registerCrd(crd);
  }
  return store.subscribe((event: StoreEvent) => {
    if (
      event.group !== 'apiextensions.k8s.io' ||
      event.resource !== 'customresourcedefinitions'
    ) {
      return;
    }
    if (event.type === 'DELETED') {
      const spec = event.object.spec as JsonObject;
      const plural = String((spec.names as JsonObject).plural);
      const group = String(spec.group);
      registry.unregisterCrd(event.object.metadata.name!);
      for (const obj of store.list(group, plural)) {
        store.remove({
          group,
          resource: plural,
          namespace: obj.metadata.namespace,
          name: obj.metadata.name!,
        });
      }
      return;
    }
    sync(event.object);
  });
}

/**
 * The part of Crossplane's XRD controller that matters locally: every CompositeResourceDefinition
 * yields its XR CRD (server-side applied, so re-running is a no-op) and is marked Established.
 */
export function startXrdController(
  store: ObjectStore,
  registry: ResourceTypeRegistry,
  service: ObjectService,
): () => void {
  const crdType = registry.lookup(
    'apiextensions.k8s.io',
    'v1',
    'customresourcedefinitions',
  )!;
  const sync = (xrd: KubeObject) => {
    if (xrd.metadata.deletionTimestamp) return;
    const crd = xrdToCrd(xrd);
    service.patch(crdType, undefined, crd.metadata.name!, 'apply', crd, {
      fieldManager: 'apiextensions.crossplane.io/composite',
      force: true,
    });
    const xrdType = registry.byKind(xrd.apiVersion, xrd.kind);
    const status = (xrd.status as JsonObject) ?? {};
    const conditions = establishedConditions(status.conditions, [
      'Established',
    ]).map(c =>
      c.lastTransitionTime && c.reason === 'InitialNamesAccepted'
        ? { ...c, reason: 'WatchingCompositeResource', message: '' }
        : c,
    );
    if (xrdType && !deepEqual(status.conditions, conditions)) {
      service.update(
        xrdType,
        undefined,
        xrd.metadata.name!,
        { ...xrd, status: { ...status, conditions } },
        {
          subresource: 'status',
          fieldManager: CONTROLLER_MANAGER,
        },
      );
    }
  };
  const isXrd = (e: { group: string; resource: string }) =>
    e.group === 'apiextensions.crossplane.io' &&
    e.resource === 'compositeresourcedefinitions';
  return store.subscribe(event => {
    if (!isXrd(event) || event.type === 'DELETED') return;
    sync(event.object);
  });
}
