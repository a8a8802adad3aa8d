import { ConfigReader } from '@backstage/config';
import { readPortalPolicySettings } from './config';

function settings(permissions: object) {
  return readPortalPolicySettings(
    new ConfigReader({ portal: { permissions } }),
  );
}

describe('readPortalPolicySettings', () => {
  it('normalises group refs and defaults to no groups', () => {
    expect(
      settings({
        leadershipGroups: ['leadership', 'Group:Default/Execs'],
        platformGroups: ['group:default/platform'],
      }),
    ).toEqual({
      leadershipGroups: ['group:default/leadership', 'group:default/execs'],
      platformGroups: ['group:default/platform'],
    });
    expect(settings({})).toEqual({ leadershipGroups: [], platformGroups: [] });
  });

  it('names the key and the allowed form for a malformed ref', () => {
    expect(() => settings({ platformGroups: ['group:'] })).toThrow(
      "portal.permissions.platformGroups[0] must be a group entity ref such as group:default/platform, got 'group:'",
    );
  });

  it('rejects refs to entities that are not groups', () => {
    expect(() =>
      settings({ leadershipGroups: ['user:default/amara.okafor'] }),
    ).toThrow(
      "portal.permissions.leadershipGroups[0] must refer to a Group entity, got kind 'user'",
    );
  });
});
