/**
 * Local demo only: a second sign-in identity, a member of Engineering Leadership.
 *
 * @packageDocumentation
 */
export {
  authModuleDemoLeadershipProvider as default,
  DEMO_LEADERSHIP_PROVIDER_ID,
} from './module';
