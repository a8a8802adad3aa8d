/**
 * Adoption dashboards, the portal's analytics implementation and the NPS survey.
 *
 * @packageDocumentation
 */
export { default } from './plugin';
export { adoptionApiRef } from './api/AdoptionApi';
export type { AdoptionApi, AdoptionAccess } from './api/AdoptionApi';
export { useAdoptionScorecard } from './scorecard/useAdoptionScorecard';
