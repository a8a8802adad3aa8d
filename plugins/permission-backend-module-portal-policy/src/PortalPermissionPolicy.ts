import { UserInfoService } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityRefreshPermission,
  catalogIngestionManagePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
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
import { templateManagementPermission } from '@backstage/plugin-scaffolder-common/alpha';
import { crossplanePostgresCreateForAnyTeamPermission } from '@internal/plugin-crossplane-common';
import { adoptionTicketsImportPermission } from '@internal/plugin-adoption-common';
import { leadershipDashboardsReadPermission } from '@internal/plugin-leadership-common';
import { PortalPolicySettings } from './config';

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/** Portal-wide administration that only the platform team may do. */
const PLATFORM_ONLY: Permission[] = [
  templateManagementPermission,
  catalogLocationDeletePermission,
  catalogIngestionManagePermission,
  // Databases in the namespace of a team one does not belong to.
  crossplanePostgresCreateForAnyTeamPermission,
  // Importing tickets into the adoption dashboards' self-service comparison.
  adoptionTicketsImportPermission,
];

/** Actions that change something; on a team's catalog entities they are for its owners only. */
const CHANGING_ACTIONS = new Set(['create', 'update', 'delete']);

/**
 * The portal's permission policy.
 *
 * - Members of a platform group may do everything: they run the portal and its golden paths.
 * - Organisation-wide dashboards are for the leadership groups (and the platform team).
 * - Template management, location removal, ingestion management and requesting databases for
 *   any team (not only one's own) are the platform team's.
 * - Any action that changes a catalog entity, or something attached to one (such as a database
 *   requested for a component), is allowed only to the entity's owners; plugins express this by
 *   declaring resource permissions of type `catalog-entity` with a create, update or delete action.
 * - Reading is open to every signed-in user, as the catalog's value is that everyone sees it.
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
    if (PLATFORM_ONLY.some(p => isPermission(permission, p))) {
      return DENY;
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
