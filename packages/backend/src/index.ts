import { createBackend } from '@backstage/backend-defaults';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { localGitUrlReaderServiceFactory } from '@internal/plugin-local-git-backend';
import { configureRootHttpRouter } from './hostHeaderGuard';
import { techdocsModuleLocalDocsFolders } from './modules/techdocsLocalDocsFolders';
import { searchModuleTechDocsPrebuild } from './modules/techdocsPrebuild';
import { assertEnvironmentForConfig } from './requiredEnvironment';
import { databaseServiceFactory } from './sqliteWriteAheadLog';

async function main() {
  await assertEnvironmentForConfig({ argv: process.argv, env: process.env });

  const backend = createBackend();
  // Locally (listening on loopback) only this machine's host names are answered: DNS rebinding.
  backend.add(
    rootHttpRouterServiceFactory({ configure: configureRootHttpRouter }),
  );
  // Local SQLite files in write-ahead-log mode: commits do not wait for the disk.
  backend.add(databaseServiceFactory);

  backend.add(import('@backstage/plugin-app-backend'));
  backend.add(import('@backstage/plugin-proxy-backend'));

  // Sign-in: guest locally (app-config.yaml), GitHub in production.
  backend.add(import('@backstage/plugin-auth-backend'));
  backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
  // Local demo only: a platform team identity; registers only when configured, works only in development.
  backend.add(
    import('@internal/plugin-auth-backend-module-demo-platform-provider'),
  );
  backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));

  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(
    import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
  );
  backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
  // Databases requested through Crossplane as Resource entities with their live status.
  backend.add(import('@internal/plugin-catalog-backend-module-crossplane'));

  backend.add(import('@backstage/plugin-scaffolder-backend'));
  backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
  backend.add(
    import('@backstage/plugin-scaffolder-backend-module-notifications'),
  );
  backend.add(import('@internal/plugin-scaffolder-backend-module-crossplane'));
  // Golden paths: name check, publish (local Git host or GitHub by config), provenance, adoption.
  backend.add(
    import('@internal/plugin-scaffolder-backend-module-golden-paths'),
  );
  // The local Git host golden paths publish to, and its URL reader for the catalog and TechDocs.
  backend.add(import('@internal/plugin-local-git-backend'));
  backend.add(localGitUrlReaderServiceFactory);

  backend.add(import('@backstage/plugin-techdocs-backend'));
  // Docs of local folders (the portal's own) are built only when they changed, from their docs alone.
  backend.add(techdocsModuleLocalDocsFolders);

  // Permissions: the portal's own policy, never allow-all.
  backend.add(import('@backstage/plugin-permission-backend'));
  backend.add(
    import('@internal/plugin-permission-backend-module-portal-policy'),
  );

  backend.add(import('@backstage/plugin-search-backend'));
  // Uses PostgreSQL's full-text search in production; on SQLite search falls back to Lunr.
  backend.add(import('@backstage/plugin-search-backend-module-pg'));
  backend.add(import('@backstage/plugin-search-backend-module-catalog'));
  backend.add(import('@backstage/plugin-search-backend-module-techdocs'));
  // Local builder: docs are built before anyone opens them, so search finds their text.
  backend.add(searchModuleTechDocsPrebuild);

  // DORA metrics: ingest of delivery events and the metrics API.
  backend.add(import('@internal/plugin-dora-backend'));

  // Adoption dashboards: adoption events, template runs, tickets, analytics, NPS and the measures.
  backend.add(import('@internal/plugin-adoption-backend'));

  // Self-service PostgreSQL through Crossplane: REST endpoint and status for the Databases tab.
  backend.add(import('@internal/plugin-crossplane-backend'));

  backend.add(import('@backstage/plugin-kubernetes-backend'));
  backend.add(import('@backstage/plugin-user-settings-backend'));
  backend.add(import('@backstage/plugin-notifications-backend'));
  backend.add(import('@backstage/plugin-signals-backend'));
  backend.add(import('@backstage/plugin-mcp-actions-backend'));

  await backend.start();
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(`Backend failed to start: ${error.message ?? error}`);
  process.exit(1);
});
