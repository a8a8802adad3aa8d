/**
 * Test helpers of the crossplane plugin's node library: a local control plane the provisioning
 * service can reach as the portal, a permission policy mock, a catalog component to request
 * databases for, and the Kubernetes client loader for Jest.
 *
 * @packageDocumentation
 */
export { loadKubernetesClientNatively } from './loadKubernetesClientNatively';
export type { KubernetesClientModule } from '../services/KubernetesClusterClient';
export type { CrossplaneConfig } from '../config';
export { mockPostgresPolicy } from './mockPostgresPolicy';
export { paymentsApiComponent } from './testEntities';
export {
  TEST_PORTAL_TOKEN,
  startTestControlPlane,
  testClusterConfig,
} from './testControlPlane';
