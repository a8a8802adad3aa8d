import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { BackstageUserInfo } from '@backstage/backend-plugin-api';
import { ConfigSources } from '@backstage/config-loader';
import { catalogPermissions } from '@backstage/plugin-catalog-common/alpha';
import { kubernetesPermissions } from '@backstage/plugin-kubernetes-common';
import permissionBackend from '@backstage/plugin-permission-backend';
import {
  createPermission,
  Permission,
} from '@backstage/plugin-permission-common';
import { scaffolderPermissions } from '@backstage/plugin-scaffolder-common/alpha';
import { adoptionPermissions } from '@internal/plugin-adoption-common';
import { crossplanePermissions } from '@internal/plugin-crossplane-common';
import { doraPermissions } from '@internal/plugin-dora-common';
import { leadershipPermissions } from '@internal/plugin-leadership-common';
import { resolve } from 'node:path';
import request from 'supertest';
import permissionModulePortalPolicy from './index';

// The policy's decision on every permission the portal registers or uses, for each kind of
// person, with the settings of the production configuration (app-config.yaml under
// app-config.production.yaml). docs/security.md describes the same table in words.

const rootDir = resolve(__dirname, '../../..');

async function loadProductionConfig() {
  const source = ConfigSources.default({
    argv: [
      'node',
      'packages/backend',
      '--config',
      resolve(rootDir, 'app-config.yaml'),
      '--config',
      resolve(rootDir, 'app-config.production.yaml'),
    ],
    rootDir,
    // Every variable gets a placeholder: only the policy's settings matter here.
    substitutionFunc: async name => `placeholder-${name}`,
  });
  return ConfigSources.toConfig(source);
}

type Persona = 'guest-like' | 'team' | 'leadership' | 'platform';

const personas: Record<Persona, BackstageUserInfo> = {
  // Signed in, but no user entity and no group: what a guest or a fresh account looks like.
  'guest-like': {
    userEntityRef: 'user:development/guest',
    ownershipEntityRefs: [],
  },
  team: {
    userEntityRef: 'user:default/priya.raman',
    ownershipEntityRefs: ['user:default/priya.raman', 'group:default/payments'],
  },
  leadership: {
    userEntityRef: 'user:default/amara.okafor',
    ownershipEntityRefs: [
      'user:default/amara.okafor',
      'group:default/leadership',
    ],
  },
  platform: {
    userEntityRef: 'user:default/chloe.dubois',
    ownershipEntityRefs: [
      'user:default/chloe.dubois',
      'group:default/platform',
    ],
  },
};

/**
 * The golden-path module's `portal:template:upgrade` check. This package does not depend on that
 * scaffolder module, so the permission is restated here; the module's own test pins the same
 * name, action and resource type.
 */
const goldenPathUpgradePermission = createPermission({
  name: 'portal.golden-path.upgrade',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/** Every permission the portal's backend registers or checks. */
const portalPermissions: Permission[] = [
  ...catalogPermissions,
  ...scaffolderPermissions,
  ...kubernetesPermissions,
  ...crossplanePermissions,
  ...adoptionPermissions,
  ...doraPermissions,
  ...leadershipPermissions,
  goldenPathUpgradePermission,
];

/**
 * Expected decision per persona: ALLOW, DENY, OWNER (conditional on owning the catalog entity),
 * PLATFORM-TEMPLATES (reads everything but Templates not owned by the platform team) or
 * OWN-TASKS (scaffolder tasks the user created).
 */
type Expected = 'ALLOW' | 'DENY' | 'OWNER' | 'PLATFORM-TEMPLATES' | 'OWN-TASKS';
const OPEN: Expected[] = ['ALLOW', 'ALLOW', 'ALLOW', 'ALLOW'];
const PLATFORM_ONLY: Expected[] = ['DENY', 'DENY', 'DENY', 'ALLOW'];
// Columns: guest-like, team, leadership, platform.
const expectedDecisions: Record<string, Expected[]> = {
  'catalog.entity.read': [
    'PLATFORM-TEMPLATES',
    'PLATFORM-TEMPLATES',
    'PLATFORM-TEMPLATES',
    'ALLOW',
  ],
  'catalog.entity.create': PLATFORM_ONLY,
  'catalog.entity.delete': ['DENY', 'OWNER', 'OWNER', 'ALLOW'],
  'catalog.entity.refresh': OPEN,
  'catalog.entity.validate': PLATFORM_ONLY,
  'catalog.location.read': OPEN,
  'catalog.location.create': PLATFORM_ONLY,
  'catalog.location.delete': PLATFORM_ONLY,
  'catalog.location.analyze': PLATFORM_ONLY,
  'catalog.ingestion.read': OPEN,
  'catalog.ingestion.manage': PLATFORM_ONLY,
  'scaffolder.template.parameter.read': OPEN,
  'scaffolder.template.step.read': OPEN,
  'scaffolder.action.execute': OPEN,
  'scaffolder.task.create': OPEN,
  'scaffolder.task.read': ['OWN-TASKS', 'OWN-TASKS', 'OWN-TASKS', 'ALLOW'],
  'scaffolder.task.cancel': ['OWN-TASKS', 'OWN-TASKS', 'OWN-TASKS', 'ALLOW'],
  'scaffolder.template.dry-run': PLATFORM_ONLY,
  'scaffolder.template.management': PLATFORM_ONLY,
  'kubernetes.clusters.read': OPEN,
  'kubernetes.resources.read': OPEN,
  'kubernetes.proxy': PLATFORM_ONLY,
  'crossplane.postgres.create': ['DENY', 'OWNER', 'OWNER', 'ALLOW'],
  'crossplane.postgres.create-for-any-team': PLATFORM_ONLY,
  'adoption.tickets.import': PLATFORM_ONLY,
  'dora.metrics.read': OPEN,
  'dora.unmapped.read': PLATFORM_ONLY,
  'leadership.dashboards.read': ['DENY', 'DENY', 'ALLOW', 'ALLOW'],
  'portal.golden-path.upgrade': ['DENY', 'OWNER', 'OWNER', 'ALLOW'],
};

/** What the permission API answers for the expected decision. */
function response(expected: Expected, persona: BackstageUserInfo) {
  switch (expected) {
    case 'ALLOW':
    case 'DENY':
      return { result: expected };
    case 'OWNER':
      return {
        result: 'CONDITIONAL',
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: { claims: persona.ownershipEntityRefs },
        },
      };
    case 'PLATFORM-TEMPLATES':
      return {
        result: 'CONDITIONAL',
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
      };
    case 'OWN-TASKS':
      return {
        result: 'CONDITIONAL',
        pluginId: 'scaffolder',
        resourceType: 'scaffolder-task',
        conditions: {
          rule: 'IS_TASK_OWNER',
          resourceType: 'scaffolder-task',
          params: { createdBy: [persona.userEntityRef] },
        },
      };
    default:
      throw new Error(`unknown expectation ${expected}`);
  }
}

describe('the production configuration’s permission decisions', () => {
  let server: Parameters<typeof request>[0];

  beforeAll(async () => {
    const config = await loadProductionConfig();
    const backend = await startTestBackend({
      features: [
        permissionBackend,
        permissionModulePortalPolicy,
        mockServices.rootConfig.factory({
          data: {
            permission: config.get('permission'),
            portal: { permissions: config.get('portal.permissions') },
          },
        }),
        mockServices.userInfo.mock({
          getUserInfo: async credentials =>
            Object.values(personas).find(
              p =>
                p.userEntityRef ===
                (credentials.principal as { userEntityRef: string })
                  .userEntityRef,
            )!,
        }).factory,
      ],
    });
    server = backend.server as Parameters<typeof request>[0];
    config.close();
  });

  it('has an expected decision for every permission the portal registers or uses, and no other', () => {
    expect(Object.keys(expectedDecisions).sort()).toEqual(
      [...new Set(portalPermissions.map(p => p.name))].sort(),
    );
  });

  it.each(Object.keys(personas) as Persona[])(
    'answers as documented for a %s user',
    async persona => {
      const column = (Object.keys(personas) as Persona[]).indexOf(persona);
      const info = personas[persona];
      const res = await request(server)
        .post('/api/permission/authorize')
        // As a plugin asks on the user's behalf: the permission backend answers resource
        // permissions without a resource (the conditions) only to plugins.
        .set(
          'Authorization',
          `Bearer ${mockCredentials.user.token(info.userEntityRef, {
            actor: { subject: 'plugin:catalog' },
          })}`,
        )
        .send({
          items: portalPermissions.map(permission => ({
            id: permission.name,
            permission,
          })),
        });
      expect(res.status).toBe(200);
      const actual = Object.fromEntries(
        res.body.items.map(({ id, ...decision }: { id: string }) => [
          id,
          decision,
        ]),
      );
      const expected = Object.fromEntries(
        portalPermissions.map(p => [
          p.name,
          response(expectedDecisions[p.name][column], info),
        ]),
      );
      expect(actual).toEqual(expected);
    },
  );
});
