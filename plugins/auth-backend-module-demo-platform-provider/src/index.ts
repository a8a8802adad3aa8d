/**
 * Local demo only: demo sign-in identities for the Platform team and leadership.
 *
 * @packageDocumentation
 */
export {
  authModuleDemoPlatformProvider as default,
  DEMO_PLATFORM_PROVIDER_ID,
  DEMO_LEADERSHIP_PROVIDER_ID,
} from './module';
