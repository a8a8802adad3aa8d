/**
 * Scaffolder module with the golden-path actions.
 *
 * @packageDocumentation
 */
export { scaffolderModuleGoldenPaths as default } from './module';
export { createEnsureNameAvailableAction } from './actions/ensureNameAvailable';
export { createPortalPublishAction } from './actions/publish';
export { createRecordProvenanceAction } from './actions/recordProvenance';
export { createEmitAdoptionAction } from './actions/emitAdoption';
export { createAwaitEntityAction } from './actions/awaitEntity';
export { createTemplateUpgradeAction } from './actions/upgrade';
export { goldenPathUpgradePermission } from './permissions';
export { ScaffolderDryRunRenderer } from './upgrade/ScaffolderDryRunRenderer';
export type { TemplateRenderer } from './upgrade/ScaffolderDryRunRenderer';
export type { UpgradeFile } from './upgrade/upgradePlan';
export { AdoptionEventSender, buildAdoptionEvent } from './adoption';
export type { AdoptionEvent, AdoptionDelivery } from './adoption';
export { PROVENANCE_ANNOTATIONS } from './provenance';
export { SERVICE_NAME_PATTERN } from './serviceName';
export { readGoldenPathsPublishingConfig } from './config';
export type { GoldenPathsPublishingConfig, RepoVisibility } from './config';
export type {
  RepositoryPublisher,
  PublishedRepository,
  PublishRequest,
} from './publishers/types';
