import { ObjectStore } from '../store/ObjectStore';
import { ObjectService } from './ObjectService';
import { BUILT_IN_TYPES } from './resourceTypes';

const typeOf = (resource: string) =>
  BUILT_IN_TYPES.find(t => t.group === '' && t.resource === resource)!;

describe('ObjectService server-side apply', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('an identical server-side apply a second later is a no-op, even when the apply configuration has empty labels', async () => {
    // Timestamps have second resolution: start just before a second boundary and cross it
    // between the create and the identical apply that follows.
    jest.useFakeTimers({ now: new Date('2024-05-01T10:00:00.900Z') });
    const service = new ObjectService(await ObjectStore.open(undefined));
    service.create(typeOf('namespaces'), undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-payments' },
    });
    const configMaps = typeOf('configmaps');
    // An apply configuration may carry `labels: {}` (the API test's XRs do); the stored object
    // omits empty collections, as ObjectMeta does.
    const config = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', labels: {} },
      data: { size: 'small' },
    };
    const apply = () =>
      service.patch(
        configMaps,
        'team-payments',
        'settings',
        'apply',
        structuredClone(config),
        { fieldManager: 'backstage-portal', force: true },
      );

    const created = apply();
    expect(created.created).toBe(true);

    jest.setSystemTime(new Date('2024-05-01T10:00:01.100Z'));
    const again = apply();

    expect(again.created).toBe(false);
    expect(again.object.metadata.resourceVersion).toBe(
      created.object.metadata.resourceVersion,
    );
    expect(again.object.metadata.managedFields).toEqual(
      created.object.metadata.managedFields,
    );
    expect(
      service.get(configMaps, 'team-payments', 'settings').metadata,
    ).toEqual(created.object.metadata);
  });
});
