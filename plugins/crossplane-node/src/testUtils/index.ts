/**
 * Test fixtures of the crossplane plugin's node library: a permission policy mock and a catalog
 * component to request databases for. The control plane the tests reach comes from
 * `@internal/local-control-plane` (startTestControlPlane, testClusterConfig).
 *
 * @packageDocumentation
 */
export { mockPostgresPolicy } from './mockPostgresPolicy';
export { paymentsApiComponent } from './testEntities';
