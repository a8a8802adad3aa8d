import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { createTestStore, readTestConfig } from '../__testUtils__/testUtils';
import { IngestService, rollUpAnalytics } from './IngestService';

jest.setTimeout(30_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});
const logger = mockServices.logger.mock();

describe('IngestService analytics identity', () => {
  it('keys users by a salted hash, never the entity ref, or drops them', async () => {
    const { store } = await createTestStore(databases, 'SQLITE_3');
    const hashing = IngestService.create({
      store,
      config: readTestConfig(),
      logger,
    });
    const otherSalt = IngestService.create({
      store,
      config: readTestConfig({
        analytics: { identity: 'hash', salt: 'another-salt-0123456' },
      }),
      logger,
    });
    const dropping = IngestService.create({
      store,
      config: readTestConfig({ analytics: { identity: 'drop' } }),
      logger,
    });
    const ref = 'user:default/priya.raman';
    const key = hashing.analyticsUserKey(ref)!;
    expect(key).toMatch(/^[0-9a-f]{40}$/);
    expect(key).not.toContain('priya');
    expect(hashing.analyticsUserKey(ref)).toBe(key);
    expect(otherSalt.analyticsUserKey(ref)).not.toBe(key);
    expect(hashing.analyticsUserKey('user:default/tomas.novak')).not.toBe(key);
    expect(dropping.analyticsUserKey(ref)).toBeUndefined();
  });

  it('rolls page views up per day and plugin and one user per week', () => {
    const at = (iso: string) => ({
      action: 'navigate',
      subject: '/x',
      at: iso,
      pluginId: 'catalog',
    });
    const batch = rollUpAnalytics(
      [
        at('2026-11-16T09:00:00Z'),
        at('2026-11-16T17:00:00Z'),
        { ...at('2026-11-17T09:00:00Z'), pluginId: undefined },
        { ...at('2026-11-17T10:00:00Z'), action: 'click' },
      ],
      'k',
    );
    expect(batch.views).toEqual([
      {
        day: Date.parse('2026-11-16T00:00:00Z'),
        pluginId: 'catalog',
        views: 2,
      },
      {
        day: Date.parse('2026-11-17T00:00:00Z'),
        pluginId: 'unknown',
        views: 1,
      },
    ]);
    expect(batch.users).toEqual([
      { week: Date.parse('2026-11-16T00:00:00Z'), userKey: 'k' },
    ]);
    expect(
      rollUpAnalytics([at('2026-11-16T09:00:00Z')], undefined).users,
    ).toEqual([]);
  });
});

describe('IngestService anonymous NPS answers', () => {
  it('stores an anonymous answer without the user and without the time that would tie it to the prompt row', async () => {
    const { store, knex } = await createTestStore(databases, 'SQLITE_3');
    const ingest = IngestService.create({
      store,
      config: readTestConfig({ nps: { periodDays: 30, anonymous: true } }),
      logger,
    });
    const answeredAt = Date.parse('2026-11-20T14:37:12.345Z');
    await ingest.npsAnswer(
      'user:default/priya.raman',
      { score: 9 },
      answeredAt,
    );

    const [prompt] = await knex('adoption_nps_prompts');
    const [answer] = await knex('adoption_nps_answers');
    expect(answer.user_key).toBeNull();
    expect(Number(answer.answered_at)).not.toBe(Number(prompt.answered_at));
    // The day is all an anonymous answer keeps: what the dashboards' windows need.
    expect(Number(answer.answered_at)).toBe(Date.parse('2026-11-20T00:00:00Z'));
    // The prompt still refuses a second answer in the period.
    await expect(
      ingest.npsAnswer(
        'user:default/priya.raman',
        { score: 1 },
        answeredAt + 1000,
      ),
    ).rejects.toThrow('already answered');
  });

  it('keeps the exact time when answers are not anonymous', async () => {
    const { store, knex } = await createTestStore(databases, 'SQLITE_3');
    const ingest = IngestService.create({
      store,
      config: readTestConfig({ nps: { periodDays: 30, anonymous: false } }),
      logger,
    });
    const answeredAt = Date.parse('2026-11-20T14:37:12.345Z');
    await ingest.npsAnswer(
      'user:default/priya.raman',
      { score: 9 },
      answeredAt,
    );
    const [answer] = await knex('adoption_nps_answers');
    expect(answer.user_key).not.toBeNull();
    expect(Number(answer.answered_at)).toBe(answeredAt);
  });
});
