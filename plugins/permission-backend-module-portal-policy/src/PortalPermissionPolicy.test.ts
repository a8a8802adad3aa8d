import { mockCredentials } from '@backstage/backend-test-utils';
import {
  BackstageUserInfo,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  createPermission,
  Permission,
} from '@backstage/plugin-permission-common';
import {
  taskCreatePermission,
  templateManagementPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import { crossplanePostgresCreateForAnyTeamPermission } from '@internal/plugin-crossplane-common';
import { adoptionTicketsImportPermission } from '@internal/plugin-adoption-common';
import { leadershipDashboardsReadPermission } from '@internal/plugin-leadership-common';
import { PortalPermissionPolicy } from './PortalPermissionPolicy';

const people: Record<string, BackstageUserInfo> = {
  'user:default/priya.raman': {
    userEntityRef: 'user:default/priya.raman',
    ownershipEntityRefs: ['user:default/priya.raman', 'group:default/payments'],
  },
  'user:default/amara.okafor': {
    userEntityRef: 'user:default/amara.okafor',
    ownershipEntityRefs: [
      'user:default/amara.okafor',
      'group:default/leadership',
    ],
  },
  'user:default/chloe.dubois': {
    userEntityRef: 'user:default/chloe.dubois',
    ownershipEntityRefs: [
      'user:default/chloe.dubois',
      'Group:default/Platform',
    ],
  },
  'user:default/nobody': {
    userEntityRef: 'user:default/nobody',
    ownershipEntityRefs: [],
  },
};

const userInfo: UserInfoService = {
  async getUserInfo(credentials) {
    const ref = (credentials.principal as { userEntityRef: string })
      .userEntityRef;
    return people[ref];
  },
};

const policy = new PortalPermissionPolicy(
  {
    leadershipGroups: ['group:default/leadership'],
    platformGroups: ['group:default/platform'],
  },
  userInfo,
);

function decide(permission: Permission, userRef?: string) {
  return policy.handle(
    { permission },
    userRef
      ? {
          credentials: mockCredentials.user(userRef),
          info: people[userRef],
        }
      : undefined,
  );
}

/** A team-scoped action another plugin might declare, such as requesting a database. */
const databaseCreatePermission = createPermission({
  name: 'crossplane.postgres.create',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});

describe('PortalPermissionPolicy', () => {
  it('lets everyone signed in read the catalog and run templates', async () => {
    for (const ref of Object.keys(people)) {
      expect(await decide(catalogEntityReadPermission, ref)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
      expect(await decide(taskCreatePermission, ref)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('shows the leadership dashboards to leadership and the platform team only', async () => {
    expect(
      await decide(
        leadershipDashboardsReadPermission,
        'user:default/amara.okafor',
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await decide(
        leadershipDashboardsReadPermission,
        'user:default/chloe.dubois',
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await decide(
        leadershipDashboardsReadPermission,
        'user:default/priya.raman',
      ),
    ).toEqual({ result: AuthorizeResult.DENY });
    expect(await decide(leadershipDashboardsReadPermission)).toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('lets only the platform team manage templates and locations and request databases for any team', async () => {
    for (const permission of [
      templateManagementPermission,
      catalogLocationDeletePermission,
      crossplanePostgresCreateForAnyTeamPermission,
      adoptionTicketsImportPermission,
    ]) {
      expect(await decide(permission, 'user:default/chloe.dubois')).toEqual({
        result: AuthorizeResult.ALLOW,
      });
      expect(await decide(permission, 'user:default/priya.raman')).toEqual({
        result: AuthorizeResult.DENY,
      });
      expect(await decide(permission, 'user:default/amara.okafor')).toEqual({
        result: AuthorizeResult.DENY,
      });
    }
  });

  it.each([
    ['delete an entity', catalogEntityDeletePermission],
    ['request a database for a component', databaseCreatePermission],
  ])('lets only owners %s', async (_, permission) => {
    expect(await decide(permission, 'user:default/priya.raman')).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: {
          claims: ['user:default/priya.raman', 'group:default/payments'],
        },
      },
    });
  });

  it('denies changes outright to a user who owns nothing', async () => {
    expect(
      await decide(catalogEntityDeletePermission, 'user:default/nobody'),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('lets the platform team act on every team resource', async () => {
    expect(
      await decide(databaseCreatePermission, 'user:default/chloe.dubois'),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('leaves refresh, which changes nothing the owner wrote, open to everyone', async () => {
    expect(
      await decide(catalogEntityRefreshPermission, 'user:default/priya.raman'),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });
});
