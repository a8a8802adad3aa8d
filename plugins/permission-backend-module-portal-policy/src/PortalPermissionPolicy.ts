import { UserInfoService } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityCreatePermission,
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  catalogEntityValidatePermission,
  catalogIngestionManagePermission,
  catalogLocationAnalyzePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  createScaffolderTaskConditionalDecision,
  scaffolderTaskConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import {
  RESOURCE_TYPE_SCAFFOLDER_TASK,
  templateDryRunPermission,
  templateManagementPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import { crossplanePostgresCreateForAnyTeamPermission } from '@internal/plugin-crossplane-common';
import { adoptionTicketsImportPermission } from '@internal/plugin-adoption-common';
import { doraUnmappedReadPermission } from '@internal/plugin-dora-common';
import { leadershipDashboardsReadPermission } from '@internal/plugin-leadership-common';
import { PortalPolicySettings } from './config';

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/** Portal-wide administration that only the platform team may do. */
export const PLATFORM_ONLY_PERMISSIONS: Permission[] = [
  // Templates run with the portal's integration credentials (GitHub/GitLab tokens, the cluster
  // account): authoring them, or running an inline one in a dry run, is the platform team's.
  templateManagementPermission,
  templateDryRunPermission,
  // The catalog reads a registered location, and every `$text`/`$json` placeholder in it, with the
  // portal's integration tokens: registering or analysing one would let anyone read what those
  // tokens see. Golden paths register their new repository with `portal:catalog:register`, which
  // uses the scaffolder's own identity and accepts only repositories the portal published.
  catalogLocationCreatePermission,
  catalogLocationAnalyzePermission,
  catalogLocationDeletePermission,
  catalogEntityCreatePermission,
  catalogEntityValidatePermission,
  catalogIngestionManagePermission,
  // The Kubernetes proxy forwards any request with the plugin's service account; the portal's own
  // routes (databases, the Kubernetes tab's reads) are the way for everyone else.
  kubernetesProxyPermission,
  // Databases in the namespace of a team one does not belong to.
  crossplanePostgresCreateForAnyTeamPermission,
  // Importing tickets into the adoption dashboards' self-service comparison.
  adoptionTicketsImportPermission,
  // Delivery events no component claims: names of repositories and services across the organisation.
  doraUnmappedReadPermission,
];

/** Actions that change something; on a team's catalog entities they are for its owners only. */
const CHANGING_ACTIONS = new Set(['create', 'update', 'delete']);

/**
 * The portal's permission policy.
 *
 * - Members of a platform group may do everything: they run the portal and its golden paths.
 * - Organisation-wide dashboards are for the leadership groups (and the platform team).
 * - `PLATFORM_ONLY_PERMISSIONS` are the platform team's alone.
 * - Templates run with the portal's integration credentials, so others see (and so can run) only
 *   templates owned by a platform group; the catalog takes Template entities only from the
 *   platform's configured locations (`catalog.rules`), so that owner cannot be forged.
 * - Scaffolder tasks (their inputs, logs and outputs) are read and cancelled by their creator.
 * - Any action that changes a catalog entity, or something attached to one (such as a database
 *   requested for a component), is allowed only to the entity's owners; plugins express this by
 *   declaring resource permissions of type `catalog-entity` with a create, update or delete action.
 * - Reading is open to every signed-in user, as the catalog's value is that everyone sees it.
 *
 * @public
 */
export class PortalPermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly settings: PortalPolicySettings,
    private readonly userInfo: UserInfoService,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const claims = user
      ? (await this.userInfo.getUserInfo(user.credentials)).ownershipEntityRefs
      : [];
    const normalisedClaims = claims.map(c => c.toLocaleLowerCase('en-US'));
    const memberOf = (groups: string[]) =>
      normalisedClaims.some(claim => groups.includes(claim));

    if (memberOf(this.settings.platformGroups)) {
      return ALLOW;
    }
    if (isPermission(permission, leadershipDashboardsReadPermission)) {
      return memberOf(this.settings.leadershipGroups) ? ALLOW : DENY;
    }
    if (PLATFORM_ONLY_PERMISSIONS.some(p => isPermission(permission, p))) {
      return DENY;
    }
    if (isPermission(permission, catalogEntityReadPermission)) {
      return createCatalogConditionalDecision(permission, {
        anyOf: [
          { not: catalogConditions.isEntityKind({ kinds: ['Template'] }) },
          catalogConditions.isEntityOwner({
            claims: this.settings.platformGroups,
          }),
        ],
      });
    }
    if (isResourcePermission(permission, RESOURCE_TYPE_SCAFFOLDER_TASK)) {
      // Task read and cancel: the creator's own tasks only.
      if (!user) {
        return DENY;
      }
      return createScaffolderTaskConditionalDecision(
        permission,
        scaffolderTaskConditions.isTaskOwner({
          createdBy: [user.info.userEntityRef],
        }),
      );
    }
    // A refresh re-reads the entity from its source and changes nothing its owners wrote.
    if (isPermission(permission, catalogEntityRefreshPermission)) {
      return ALLOW;
    }
    if (
      isResourcePermission(permission, 'catalog-entity') &&
      CHANGING_ACTIONS.has(permission.attributes.action ?? '')
    ) {
      if (claims.length === 0) {
        return DENY;
      }
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    return ALLOW;
  }
}
