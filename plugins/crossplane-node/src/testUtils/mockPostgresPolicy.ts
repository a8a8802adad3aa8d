import type { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { crossplanePostgresCreateForAnyTeamPermission } from '@internal/plugin-crossplane-common';

/**
 * Makes a permissions mock decide the provisioning service's checks as a policy would:
 * `anyTeam` for requesting in a namespace of a team the caller is not a member of, `component`
 * (allowed unless given) for requesting a database for the component.
 *
 * @public
 */
export function mockPostgresPolicy(
  permissions: ReturnType<typeof mockServices.permissions.mock>,
  decisions: { anyTeam: AuthorizeResult; component?: AuthorizeResult },
): void {
  const { anyTeam, component = AuthorizeResult.ALLOW } = decisions;
  permissions.authorize.mockImplementation(
    async requests =>
      requests.map(r => ({
        result:
          r.permission.name ===
          crossplanePostgresCreateForAnyTeamPermission.name
            ? anyTeam
            : component,
      })) as any,
  );
}
