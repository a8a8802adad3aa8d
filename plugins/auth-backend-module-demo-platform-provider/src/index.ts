/**
 * Local demo only: a second sign-in identity, a member of the Platform team.
 *
 * @packageDocumentation
 */
export {
  authModuleDemoPlatformProvider as default,
  DEMO_PLATFORM_PROVIDER_ID,
} from './module';
