import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { testEntities } from '../testUtils';
import { CatalogServiceMap } from './CatalogServiceMap';

describe('CatalogServiceMap', () => {
  it('maps service keys through annotations, ignoring case, and knows owners', async () => {
    const map = CatalogServiceMap.create({
      catalog: catalogServiceMock({ entities: testEntities }),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
    });
    await map.refresh();
    expect(map.resolve('github', 'codertocat/hello-world')).toBe(
      'component:default/hello-world',
    );
    expect(map.resolve('argocd', 'hello-world-prod')).toBe(
      'component:default/hello-world',
    );
    expect(map.resolve('pagerduty', 'PSERVICE1')).toBe(
      'component:default/hello-world',
    );
    expect(map.resolve('entity', 'Payments-API')).toBe(
      'component:default/payments-api',
    );
    expect(map.resolve('entity', 'component:default/payments-api')).toBe(
      'component:default/payments-api',
    );
    expect(map.resolve('github', 'fernhill/unknown')).toBeNull();
    expect(map.resolve('entity', 'not a ref:::')).toBeNull();
    expect(map.componentsOwnedBy('payments').sort()).toEqual([
      'component:default/hello-world',
      'component:default/payments-api',
    ]);
    expect([...map.componentsWithIncidentSource()]).toEqual([
      'component:default/hello-world',
    ]);
  });
});
