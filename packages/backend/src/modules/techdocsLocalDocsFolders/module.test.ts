import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import techdocsPlugin from '@backstage/plugin-techdocs-backend';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSyncOutcome } from '../techdocsPrebuild/TechDocsPrebuilder';
import { techdocsModuleLocalDocsFolders } from './module';

// The TechDocs backend as the local portal runs it, with Debian's mkdocs, on an entity whose docs
// are the folder of its catalog file (`dir:.`, as the portal's own). The reader asks for a sync on
// every visit; TechDocs answers from memory within a minute of the last build, and after that the
// preparer decides.

jest.setTimeout(120_000);

async function repository(root: string) {
  await mkdir(join(root, 'docs'));
  await mkdir(join(root, 'node_modules', 'left-pad'), { recursive: true });
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
  await writeFile(join(root, 'mkdocs.yml'), 'site_name: Handbook\n');
  await writeFile(join(root, 'docs', 'index.md'), '# Handbook\n');
  await writeFile(join(root, 'node_modules', 'left-pad', 'index.js'), '1\n');
}

async function startBackend(root: string, withModule: boolean) {
  return startTestBackend({
    features: [
      catalogPlugin,
      techdocsPlugin,
      ...(withModule ? [techdocsModuleLocalDocsFolders] : []),
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            rules: [{ allow: ['Component'] }],
            locations: [
              { type: 'file', target: join(root, 'catalog-info.yaml') },
            ],
          },
          techdocs: {
            builder: 'local',
            generator: {
              runIn: 'local',
              mkdocs: { omitTechdocsCorePlugin: true },
            },
            publisher: {
              type: 'local',
              local: { publishDirectory: join(root, '.published') },
            },
          },
        },
      }),
    ],
  });
}

/** A reader's visit: the sync the reader asks for, as that user. */
async function sync(backend: Awaited<ReturnType<typeof startBackend>>) {
  const { port } = backend.server.address() as AddressInfo;
  const url = `http://localhost:${port}/api/techdocs/sync/default/component/handbook`;
  const headers = {
    Authorization: mockCredentials.user.header(),
    Accept: 'text/event-stream',
  };
  // The catalog reads its file location shortly after start.
  for (let attempt = 0; attempt < 30; attempt++) {
    const response = await fetch(url, { headers });
    if (response.status !== 404) {
      expect(response.status).toBe(200);
      return readSyncOutcome(await response.text());
    }
    await new Promise(r => setTimeout(r, 1_000));
  }
  throw new Error('the catalog never served the entity');
}

/** How far each later visit has moved the clock so far. */
let laterBy = 0;

/** A visit more than the minute after the last build in which TechDocs answers from memory. */
async function syncLater(backend: Awaited<ReturnType<typeof startBackend>>) {
  laterBy += 61_000;
  const now = Date.now();
  const clock = jest.spyOn(Date, 'now').mockReturnValue(now + laterBy);
  try {
    return await sync(backend);
  } finally {
    clock.mockRestore();
  }
}

describe('techdocsModuleLocalDocsFolders', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'techdocs-local-folder-'));
    await repository(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('builds a local folder once, and a later visit finds it fresh until its docs change', async () => {
    const backend = await startBackend(root, true);
    try {
      expect(await sync(backend)).toEqual({ kind: 'finished', updated: true });
      await writeFile(
        join(root, 'node_modules', 'left-pad', 'index.js'),
        '2\n',
      );
      expect(await syncLater(backend)).toEqual({
        kind: 'finished',
        updated: false,
      });
      await writeFile(join(root, 'docs', 'index.md'), '# Handbook, revised\n');
      expect(await syncLater(backend)).toEqual({
        kind: 'finished',
        updated: true,
      });
    } finally {
      await backend.stop();
    }
  });

  it('without it, TechDocs rebuilds an unchanged local folder on every later visit', async () => {
    const backend = await startBackend(root, false);
    try {
      expect(await sync(backend)).toEqual({ kind: 'finished', updated: true });
      expect(await syncLater(backend)).toEqual({
        kind: 'finished',
        updated: true,
      });
    } finally {
      await backend.stop();
    }
  });
});
