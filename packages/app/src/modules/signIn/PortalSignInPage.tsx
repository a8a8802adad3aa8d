import { SignInPage, SignInProviderConfig } from '@backstage/core-components';
import {
  configApiRef,
  githubAuthApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { SignInPageProps } from '@backstage/plugin-app-react';
import { demoLeadershipAuthApiRef, demoPlatformAuthApiRef } from './DemoAuth';

const githubProvider: SignInProviderConfig = {
  id: 'github-auth-provider',
  title: 'GitHub',
  message: 'Sign in with your company GitHub account',
  apiRef: githubAuthApiRef,
};

/** Local demo only: a member of the Platform team, for the organisation-wide dashboards and ticket import. */
const demoPlatformProvider: SignInProviderConfig = {
  id: 'demo-platform-provider',
  title: 'Platform team demo',
  message:
    'Sign in as Chloé Dubois of the Platform team: the DORA and adoption dashboards for the whole organisation, and ticket import',
  apiRef: demoPlatformAuthApiRef,
};

/** Local demo only: a member of Engineering Leadership, for the leader's Home and dashboards. */
const demoLeadershipProvider: SignInProviderConfig = {
  id: 'demo-leadership-provider',
  title: 'Leadership demo',
  message:
    'Sign in as Amara Okafor of Engineering Leadership: the scorecard on Home, with DORA and adoption across the organisation',
  apiRef: demoLeadershipAuthApiRef,
};

/**
 * Offers the sign-in providers listed in `app.signIn.providers`: guest locally, GitHub in
 * production, so that guest access can never be switched on by a missing frontend change.
 */
export function PortalSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const configured = config.getOptionalStringArray('app.signIn.providers') ?? [
    'guest',
  ];
  const providers = configured.map(id => {
    if (id === 'github') return githubProvider;
    if (id === 'demo-platform') return demoPlatformProvider;
    if (id === 'demo-leadership') return demoLeadershipProvider;
    return 'guest' as const;
  });
  return <SignInPage {...props} providers={providers} />;
}
