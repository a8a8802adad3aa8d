import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { gitlabTestEntity, testEntities } from '../testUtils';
import { CatalogServiceMap } from './CatalogServiceMap';

async function mapOf(entities: Entity[]) {
  const map = CatalogServiceMap.create({
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
  });
  await map.refresh();
  return map;
}

describe('CatalogServiceMap', () => {
  it('maps service keys through annotations, ignoring case, and knows owners', async () => {
    const map = await mapOf(testEntities);
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

  it('maps GitLab projects through gitlab.com/project-slug, ignoring case', async () => {
    const map = await mapOf([...testEntities, gitlabTestEntity]);
    expect(map.resolve('gitlab', 'mike/diaspora')).toBe(
      'component:default/diaspora',
    );
    expect(map.resolve('gitlab', ' MIKE/DIASPORA ')).toBe(
      'component:default/diaspora',
    );
    // A GitHub repository of the same name is another project.
    expect(map.resolve('github', 'mike/diaspora')).toBeNull();
    expect(map.resolve('gitlab', 'codertocat/hello-world')).toBeNull();
  });

  it('does not count a placeholder PagerDuty service id equal to the component name as an incident source', async () => {
    // Golden-path skeletons used to write `pagerduty.com/service-id: <name>`, which hid the
    // "no incident source" warning from every new service.
    const placeholder: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'orders-api',
        namespace: 'default',
        annotations: { 'pagerduty.com/service-id': 'Orders-API' },
      },
      spec: { owner: 'group:default/payments' },
    };
    const map = await mapOf([...testEntities, placeholder]);
    expect([...map.componentsWithIncidentSource()]).toEqual([
      'component:default/hello-world',
    ]);
  });
});
