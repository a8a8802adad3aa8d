import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import searchPlugin from '@backstage/plugin-search-backend';
import searchModuleTechDocsCollator from '@backstage/plugin-search-backend-module-techdocs';
import techdocsPlugin from '@backstage/plugin-techdocs-backend';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressInfo } from 'node:net';
import { searchModuleTechDocsPrebuild } from './module';
import { readSyncOutcome } from './TechDocsPrebuilder';

// The whole chain as the local portal runs it, with Debian's mkdocs: a catalog entity with docs
// nobody has opened, the TechDocs backend with the local builder, and search with the TechDocs
// collator. Without the module the collator finds no published search index, and a search for a
// word from the docs' body finds nothing (and the Documentation filter has no index at all).

jest.setTimeout(120_000);

const docsOnlyWord = 'quetzalcoatlus';

async function docsProject(root: string) {
  await mkdir(join(root, 'docs'), { recursive: true });
  await writeFile(
    join(root, 'catalog-info.yaml'),
    [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      '  name: handbook',
      '  annotations:',
      '    backstage.io/techdocs-ref: dir:.',
      'spec:',
      '  type: documentation',
      '  lifecycle: production',
      '  owner: platform',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(root, 'mkdocs.yml'),
    'site_name: Handbook\nplugins:\n  - search\nnav:\n  - Home: index.md\n',
  );
  await writeFile(
    join(root, 'docs', 'index.md'),
    `# Handbook\n\nThe ${docsOnlyWord} is the largest animal that ever flew.\n`,
  );
}

async function startBackend(root: string, builder: 'local' | 'external') {
  return startTestBackend({
    features: [
      catalogPlugin,
      techdocsPlugin,
      searchPlugin,
      searchModuleTechDocsCollator,
      searchModuleTechDocsPrebuild,
      // The real scheduler: tasks start after their initial delay, as in the portal.
      schedulerServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            rules: [{ allow: ['Component'] }],
            locations: [
              { type: 'file', target: join(root, 'catalog-info.yaml') },
            ],
          },
          techdocs: {
            builder,
            generator: {
              runIn: 'local',
              mkdocs: { omitTechdocsCorePlugin: true },
            },
            publisher: {
              type: 'local',
              local: { publishDirectory: join(root, 'published') },
            },
          },
        },
      }),
    ],
  });
}

/** The locations of the documentation search results for the word, as a signed-in user. */
async function searchDocs(
  backend: Awaited<ReturnType<typeof startBackend>>,
): Promise<string[]> {
  const { port } = backend.server.address() as AddressInfo;
  const query = new URLSearchParams({
    term: docsOnlyWord,
    'types[0]': 'techdocs',
  });
  const response = await fetch(
    `http://localhost:${port}/api/search/query?${query}`,
    { headers: { Authorization: mockCredentials.user.header() } },
  );
  // Before the first TechDocs document is indexed the type has no index: an error answer.
  if (!response.ok) return [];
  const body = (await response.json()) as {
    results: Array<{ document: { location: string } }>;
  };
  return body.results.map(r => r.document.location);
}

describe('searchModuleTechDocsPrebuild', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'techdocs-prebuild-'));
    await docsProject(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('builds unopened docs with the local builder, so searching their text finds the page', async () => {
    const backend = await startBackend(root, 'local');
    try {
      let locations: string[] = [];
      for (let attempt = 0; attempt < 40 && locations.length === 0; attempt++) {
        await new Promise(r => setTimeout(r, 2_000));
        locations = await searchDocs(backend);
      }
      expect(locations).toContain('/docs/default/component/handbook/');
    } finally {
      await backend.stop();
    }
  });

  it('schedules nothing with the external builder, where CI publishes the docs', async () => {
    const backend = await startBackend(root, 'external');
    try {
      const { port } = backend.server.address() as AddressInfo;
      const response = await fetch(
        `http://localhost:${port}/api/search/.backstage/scheduler/v1/tasks`,
        { headers: { Authorization: mockCredentials.service.header() } },
      );
      expect(response.status).toBe(200);
      const { tasks } = (await response.json()) as {
        tasks: Array<{ taskId: string }>;
      };
      const ids = tasks.map(t => t.taskId);
      expect(ids).toContain('search_index_techdocs');
      expect(ids).not.toContain('techdocs-prebuild');
    } finally {
      await backend.stop();
    }
  });
});

describe('readSyncOutcome', () => {
  it('reads a finished build after its log lines', () => {
    expect(
      readSyncOutcome(
        'event: log\ndata: "Step 1 of 3"\n\nevent: finish\ndata: {"updated":true}\n\n',
      ),
    ).toEqual({ kind: 'finished', updated: true });
  });

  it("reads the builder's error message", () => {
    expect(
      readSyncOutcome('event: error\ndata: "mkdocs: command not found"\n\n'),
    ).toEqual({ kind: 'failed', message: 'mkdocs: command not found' });
  });

  it('calls a stream cut short a failure', () => {
    expect(readSyncOutcome('event: log\ndata: "Step 1 of 3"\n')).toEqual({
      kind: 'failed',
      message: 'the sync ended without a result',
    });
  });
});
