import { parseEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { normalizedEntityRefOf } from '@internal/plugin-portal-node';

/**
 * Settings of the portal's permission policy, read from `portal.permissions`.
 *
 * @public
 */
export interface PortalPolicySettings {
  /** Normalised group refs whose members read the organisation-wide dashboards. */
  leadershipGroups: string[];
  /** Normalised group refs whose members administer the portal. */
  platformGroups: string[];
}

function readGroupRefs(config: Config, key: string): string[] {
  const values = config.getOptionalStringArray(key) ?? [];
  return values.map((value, index) => {
    let ref;
    try {
      ref = parseEntityRef(value, { defaultKind: 'group' });
    } catch (error) {
      throw new InputError(
        `${key}[${index}] must be a group entity ref such as group:default/platform, got '${value}'`,
      );
    }
    if (ref.kind.toLocaleLowerCase('en-US') !== 'group') {
      throw new InputError(
        `${key}[${index}] must refer to a Group entity, got kind '${ref.kind}' in '${value}'`,
      );
    }
    return normalizedEntityRefOf(ref);
  });
}

/**
 * Reads and validates `portal.permissions`; an invalid entry fails start-up and names the key.
 *
 * @public
 */
export function readPortalPolicySettings(config: Config): PortalPolicySettings {
  return {
    leadershipGroups: readGroupRefs(
      config,
      'portal.permissions.leadershipGroups',
    ),
    platformGroups: readGroupRefs(config, 'portal.permissions.platformGroups'),
  };
}
