/**
 * Adoption backend: golden-path coverage, template runs, time from repository creation to first
 * production deploy, self-service without tickets, portal usage, platform NPS and ROI.
 *
 * @packageDocumentation
 */
export { adoptionPlugin as default } from './plugin';
