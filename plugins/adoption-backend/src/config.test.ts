import { ConfigReader } from '@backstage/config';
import { readAdoptionConfig } from './config';

const read = (adoption: object) =>
  readAdoptionConfig(new ConfigReader({ adoption }));

describe('readAdoptionConfig', () => {
  it('has defaults for everything but the salt', () => {
    const config = read({ analytics: { salt: 'a-salt-of-16-chars' } });
    expect(config).toMatchObject({
      demoData: false,
      targets: {
        goldenPathCoverage: 0.8,
        timeToFirstDeployHours: 24,
        noTicketShare: 0.9,
      },
      collector: { frequencyMinutes: 5 },
      analytics: { identity: 'hash' },
      nps: { periodDays: 90, anonymous: true },
      roi: { currency: 'EUR', loadedHourlyCost: 95 },
    });
  });

  it('requires a salt of 16+ characters to hash identities, and none to drop them', () => {
    expect(() => read({})).toThrow(/adoption.analytics.salt is required/);
    expect(() => read({ analytics: { salt: 'short' } })).toThrow(/at least 16/);
    expect(read({ analytics: { identity: 'drop' } }).analytics).toEqual({
      identity: 'drop',
      salt: undefined,
    });
  });

  it('names the setting that is out of range', () => {
    const salt = { analytics: { salt: 'a-salt-of-16-chars' } };
    expect(() => read({ ...salt, targets: { noTicketShare: 90 } })).toThrow(
      'adoption.targets.noTicketShare must be between 0 and 1, got 90',
    );
    expect(() => read({ ...salt, nps: { periodDays: 0 } })).toThrow(
      /nps.periodDays/,
    );
    expect(() => read({ ...salt, roi: { currency: 'euro' } })).toThrow(
      /ISO 4217/,
    );
    expect(() => read({ analytics: { identity: 'plain' } })).toThrow(
      /hash or drop/,
    );
  });
});
