import { mockCredentials } from '@backstage/backend-test-utils';
import {
  BackstageUserInfo,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  catalogLocationAnalyzePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import {
  AuthorizeResult,
  createPermission,
  Permission,
} from '@backstage/plugin-permission-common';
import {
  taskCancelPermission,
  taskCreatePermission,
  taskReadPermission,
  templateDryRunPermission,
  templateManagementPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import { doraUnmappedReadPermission } from '@internal/plugin-dora-common';
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
  it('lets everyone signed in run templates, and shows them the catalog with only the platform team’s templates', async () => {
    for (const ref of Object.keys(people)) {
      expect(await decide(taskCreatePermission, ref)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
    expect(
      await decide(catalogEntityReadPermission, 'user:default/priya.raman'),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        anyOf: [
          {
            not: {
              rule: 'IS_ENTITY_KIND',
              resourceType: 'catalog-entity',
              params: { kinds: ['Template'] },
            },
          },
          {
            rule: 'IS_ENTITY_OWNER',
            resourceType: 'catalog-entity',
            params: { claims: ['group:default/platform'] },
          },
        ],
      },
    });
    expect(
      await decide(catalogEntityReadPermission, 'user:default/chloe.dubois'),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets users read and cancel only the scaffolder tasks they created', async () => {
    for (const permission of [taskReadPermission, taskCancelPermission]) {
      expect(await decide(permission, 'user:default/priya.raman')).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'scaffolder',
        resourceType: 'scaffolder-task',
        conditions: {
          rule: 'IS_TASK_OWNER',
          resourceType: 'scaffolder-task',
          params: { createdBy: ['user:default/priya.raman'] },
        },
      });
      expect(await decide(permission, 'user:default/chloe.dubois')).toEqual({
        result: AuthorizeResult.ALLOW,
      });
      expect(await decide(permission)).toEqual({
        result: AuthorizeResult.DENY,
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

  it('lets only the platform team manage templates and locations, dry-run inline templates, use the Kubernetes proxy and request databases for any team', async () => {
    for (const permission of [
      templateManagementPermission,
      templateDryRunPermission,
      catalogLocationCreatePermission,
      catalogLocationAnalyzePermission,
      catalogLocationDeletePermission,
      kubernetesProxyPermission,
      doraUnmappedReadPermission,
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
