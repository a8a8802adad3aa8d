import type { Entity } from '@backstage/catalog-model';

/**
 * The Payments team's service as the catalog holds it: the component the tests request databases
 * for.
 *
 * @public
 */
export const paymentsApiComponent: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
};
