import { mockServices } from '@backstage/backend-test-utils';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { TechDocsPrebuilder } from './TechDocsPrebuilder';

// The catalog and TechDocs backends stand in as one small HTTP server: one entity with docs that
// are not published and whose build always fails, and a record of the builds asked for.
describe('TechDocsPrebuilder', () => {
  let server: Server;
  let baseUrl: string;
  let syncs: string[];

  beforeEach(async () => {
    syncs = [];
    server = createServer((req, res) => {
      if (req.url?.startsWith('/api/catalog/entities/by-query')) {
        res.setHeader('Content-Type', 'application/json');
        res.end(
          JSON.stringify({
            items: [
              {
                kind: 'Component',
                metadata: { namespace: 'default', name: 'developer-portal' },
              },
            ],
            pageInfo: {},
          }),
        );
      } else if (req.url?.startsWith('/api/techdocs/metadata/techdocs/')) {
        res.statusCode = 404;
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ error: { name: 'NotFoundError' } }));
      } else if (req.url?.startsWith('/api/techdocs/sync/')) {
        syncs.push(req.url);
        res.setHeader('Content-Type', 'text/event-stream');
        res.end(
          'event: error\ndata: "Path .tooling is not allowed to refer to a location outside"\n\n',
        );
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>(resolve => server.listen(0, resolve));
    baseUrl = `http://localhost:${(server.address() as AddressInfo).port}/api`;
  });

  afterEach(async () => {
    await new Promise(resolve => server.close(resolve));
  });

  const prebuilder = () =>
    TechDocsPrebuilder.create({
      discovery: {
        getBaseUrl: async (pluginId: string) => `${baseUrl}/${pluginId}`,
        getExternalBaseUrl: async (pluginId: string) =>
          `${baseUrl}/${pluginId}`,
      },
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
    });

  it("reports a failed build with the builder's message", async () => {
    const result = await prebuilder().buildMissingDocs();
    expect(result).toEqual({
      built: [],
      failed: [
        {
          entity: {
            kind: 'Component',
            namespace: 'default',
            name: 'developer-portal',
          },
          message:
            'Path .tooling is not allowed to refer to a location outside',
        },
      ],
    });
  });

  it('does not ask again for a build that failed less than 30 minutes ago', async () => {
    const builder = prebuilder();
    const start = new Date('2026-01-01T12:00:00Z');
    await builder.buildMissingDocs(start);
    await builder.buildMissingDocs(new Date('2026-01-01T12:01:00Z'));
    await builder.buildMissingDocs(new Date('2026-01-01T12:29:00Z'));
    expect(syncs).toHaveLength(1);
    await builder.buildMissingDocs(new Date('2026-01-01T12:31:00Z'));
    expect(syncs).toEqual([
      '/api/techdocs/sync/default/Component/developer-portal',
      '/api/techdocs/sync/default/Component/developer-portal',
    ]);
  });
});
