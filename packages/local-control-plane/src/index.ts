/**
 * A local Kubernetes control plane for the portal: the Kubernetes API subset the portal and kubectl
 * use, the project's Crossplane XRD and RBAC, and a reconciler for the shared-server Composition.
 *
 * @packageDocumentation
 */
export { startLocalControlPlane } from './startLocalControlPlane';
export type {
  LocalControlPlane,
  LocalControlPlaneOptions,
} from './startLocalControlPlane';
export type { LocalControlPlaneToken } from './auth/authentication';
export {
  DEFAULT_ADMIN_TOKEN,
  DEFAULT_PORTAL_TOKEN,
  KUBERNETES_PLUGIN_SERVICE_ACCOUNT_USER,
  PORTAL_SERVICE_ACCOUNT_USER,
} from './defaults';
export { ensureLocalTokens, localTokensPath } from './localTokens';
export type { LocalControlPlaneTokens } from './localTokens';
export { findCrossplaneDir, readManifests } from './crossplane/manifests';
export { xrdToCrd } from './crossplane/xrdToCrd';
export { ensureGoProgram } from './goProgram';
export {
  startTestControlPlane,
  testClusterConfig,
  TEST_PORTAL_TOKEN,
} from './testing';
export type {
  Json,
  JsonObject,
  KubeObject,
  ManagedFieldsEntry,
  ObjectMeta,
} from './api/objects';
