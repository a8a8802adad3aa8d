import {
  Content,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { leadershipDashboardsReadPermission } from '@internal/plugin-leadership-common';
import { Box } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { DeveloperHome } from './DeveloperHome';
import { LeaderScorecard } from './LeaderScorecard';

/**
 * Home, the page everyone lands on, per audience: leadership (and the platform team, who may read
 * the organisation-wide dashboards: `leadership.dashboards.read` through the permission API) get
 * the scorecard; whoever's teams own software gets their services, tasks, databases and team DORA.
 * A leader who owns nothing sees the scorecard alone.
 */
export function PortalHome() {
  const identityApi = useApi(identityApiRef);
  const catalogApi = useApi(catalogApiRef);
  const { value: who, error } = useAsync(async () => {
    const [identity, profile] = await Promise.all([
      identityApi.getBackstageIdentity(),
      identityApi.getProfileInfo(),
    ]);
    // Whether the user's teams own software: a leader's groups own none.
    const owned = await catalogApi.getEntities({
      filter: {
        kind: 'component',
        'relations.ownedBy': identity.ownershipEntityRefs,
      },
      fields: ['metadata.name'],
      limit: 1,
    });
    // The catalog's name for the user: the guest's sign-in profile carries none.
    const user = await catalogApi.getEntityByRef(identity.userEntityRef);
    const userProfile = user?.spec?.profile as
      | { displayName?: string }
      | undefined;
    return {
      identity,
      name:
        profile.displayName ??
        userProfile?.displayName ??
        user?.metadata.title ??
        identity.userEntityRef,
      ownsSoftware: owned.items.length > 0,
    };
  }, [identityApi, catalogApi]);
  const leadership = usePermission({
    permission: leadershipDashboardsReadPermission,
  });

  let body: JSX.Element;
  if (error) {
    body = <ResponseErrorPanel error={error} />;
  } else if (!who || leadership.loading) {
    body = <Progress />;
  } else {
    const ownerRefs = who.identity.ownershipEntityRefs;
    const teams = ownerRefs.filter(ref => ref.startsWith('group:'));
    const developer = !leadership.allowed || who.ownsSoftware;
    body = (
      <>
        {leadership.allowed && <LeaderScorecard />}
        {developer && (
          <Box mt={leadership.allowed ? 3 : 0}>
            <DeveloperHome
              userRef={who.identity.userEntityRef}
              ownerRefs={ownerRefs}
              teams={teams}
            />
          </Box>
        )}
      </>
    );
  }
  const name = who?.name;
  return (
    <Page themeId="home">
      <Header
        title={name ? `Welcome, ${name}` : 'Welcome'}
        subtitle={
          leadership.allowed
            ? 'How delivery and the platform are doing, and what needs attention'
            : 'Your services, tasks, databases and how your team delivers'
        }
      />
      <Content>{body}</Content>
    </Page>
  );
}
