import { mockServices } from '@backstage/backend-test-utils';
import { LocalGitRepositories } from '@internal/plugin-local-git-node';
import { mkdtempSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A data folder with one published repository, for tests. */
export async function createTestRepositories(
  baseUrl: string = 'http://localhost:7007/api/local-git',
) {
  const root = mkdtempSync(join(tmpdir(), 'local-git-backend-'));
  const dataDir = join(root, 'git');
  const repositories = LocalGitRepositories.create({
    config: {
      dataDir,
      baseUrl,
      author: { name: 'Portal', email: 'portal@example' },
    },
    logger: mockServices.logger.mock(),
  });
  const workspace = join(root, 'workspace');
  const files: Record<string, string> = {
    'catalog-info.yaml':
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders-api\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/payments\n',
    'mkdocs.yml': 'site_name: orders-api\nnav:\n  - Home: index.md\n',
    'docs/index.md': '# Orders API\n',
    'docs/runbook.md': '# Runbook <script>alert(1)</script>\n',
    'src/index.ts': 'export const port = 8080;\n',
    'assets/logo.bin': '\0\x01\x02binary',
  };
  for (const [path, content] of Object.entries(files)) {
    await fs.mkdir(join(workspace, path, '..'), { recursive: true });
    await fs.writeFile(join(workspace, path), content);
  }
  const published = await repositories.publish({
    name: 'orders-api',
    sourceDir: workspace,
    description: 'Orders',
  });
  return {
    root,
    dataDir,
    repositories,
    published,
    files,
    cleanup: () => fs.rm(root, { recursive: true, force: true }),
  };
}
