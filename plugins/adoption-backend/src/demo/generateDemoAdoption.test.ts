import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { createTestStore, readTestConfig } from '../__testUtils__/testUtils';
import { DAY_MS, HOUR_MS } from '../domain';
import { seedDemoAdoption } from '../services/DemoSeeder';
import { SummaryService } from '../services/SummaryService';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  DEMO_PROVENANCE,
  DEMO_TEMPLATE_VERSIONS,
  generateDemoAdoption,
} from './generateDemoAdoption';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});
const NOW = Date.parse('2026-11-22T12:00:00Z');
const firstDeploys = new Map(
  DEMO_PROVENANCE.map((c, i) => [
    `component:default/${c.name}`,
    NOW - (80 - i) * DAY_MS,
  ]),
);

describe('demo adoption data', () => {
  it('is deterministic and lines up with the DORA demo history', () => {
    const a = generateDemoAdoption({ now: NOW, firstDeploys });
    expect(generateDemoAdoption({ now: NOW, firstDeploys })).toEqual(a);
    const provenance = a.events.filter(e => e.entityRef);
    // Every demo service from a golden path, created before its first production deploy.
    expect(provenance).toHaveLength(
      DEMO_PROVENANCE.filter(c => c.template).length,
    );
    for (const e of provenance) {
      const first = firstDeploys.get(e.entityRef!)!;
      expect(e.occurredAt).toBeLessThan(first);
      expect(first - e.occurredAt).toBeLessThan(6 * 24 * HOUR_MS);
    }
    expect(
      a.runs.every(r => r.createdAt >= NOW - 90 * DAY_MS && r.createdAt < NOW),
    ).toBe(true);
    expect(
      a.tickets.every(t => t.resolvedAt === null || t.resolvedAt > t.openedAt),
    ).toBe(true);
    expect(
      a.nps.every(
        n => Number.isInteger(n.score) && n.score >= 0 && n.score <= 10,
      ),
    ).toBe(true);
  });

  it("puts the demo's components on the golden paths' current template version", () => {
    // A template bump without a demo update would show leadership a collapsed "on latest" share.
    for (const name of ['typescript-service', 'go-service', 'static-site']) {
      const template = readFileSync(
        resolve(__dirname, '../../../../templates', name, 'template.yaml'),
        'utf8',
      );
      expect({
        name,
        version: /fernhill\.io\/template-version: (\S+)/.exec(template)?.[1],
      }).toEqual({ name, version: DEMO_TEMPLATE_VERSIONS.current });
    }
  });

  it('seeds once across replicas, after DORA has first deployments, into plausible figures', async () => {
    const { store } = await createTestStore(databases, 'SQLITE_3');
    const logger = mockServices.logger.mock();
    expect(await seedDemoAdoption({ store, logger, now: NOW })).toBe(false);
    await store.replaceFirstDeploys(firstDeploys);
    await store.replaceCatalogSnapshot(
      DEMO_PROVENANCE.map(c => ({
        entityRef: `component:default/${c.name}`,
        owner: `group:default/${c.team}`,
        templateRef: null,
        templateVersion: null,
        createdAt: null,
      })),
      new Map([
        ['template:default/typescript-service', DEMO_TEMPLATE_VERSIONS.current],
      ]),
    );
    const seeded = await Promise.all([
      seedDemoAdoption({ store, logger, now: NOW }),
      seedDemoAdoption({ store, logger, now: NOW }),
    ]);
    expect(seeded.filter(Boolean)).toHaveLength(1);

    const summary = await SummaryService.create({
      store,
      config: readTestConfig(),
    }).compute(90, NOW);
    expect(summary.coverage.overall).toMatchObject({
      components: 13,
      fromTemplate: 11,
    });
    expect(summary.coverage.overall.coverage).toBeLessThan(0.9);
    // Most on the current template version, some behind: a meaningful "on latest" figure.
    expect(summary.coverage.overall.latestShare).toBeGreaterThan(0.6);
    expect(summary.coverage.overall.latestShare).toBeLessThan(1);
    expect(summary.templateRuns.successRate).toBeGreaterThan(0.8);
    expect(summary.templateRuns.failures.length).toBeGreaterThan(0);
    expect(summary.timeToFirstDeploy.overall.deployed).toBeGreaterThan(5);
    expect(summary.selfService.overall.noTicketShare).toBeGreaterThan(0.6);
    expect(summary.selfService.overall.noTicketShare).toBeLessThan(0.95);
    expect(summary.usage.weeklyActiveUsers).toBeGreaterThan(20);
    expect(summary.nps.score).toBeGreaterThan(-20);
    expect(summary.nps.responses).toBeGreaterThan(30);
  });
});
