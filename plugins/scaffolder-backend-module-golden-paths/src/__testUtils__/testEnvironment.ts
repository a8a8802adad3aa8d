import { mockServices } from '@backstage/backend-test-utils';
import { LocalGitRepositories } from '@internal/plugin-local-git-node';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { mkdtempSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRepositoryPublisher } from '../publishers/LocalRepositoryPublisher';

export const CATALOG_INFO = `# The service's catalog entry
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders-api
  annotations:
    backstage.io/techdocs-ref: dir:.
spec:
  type: service
  lifecycle: experimental
  owner: group:default/payments
`;

/** A temporary data folder, a local publisher over it and a workspace with a skeleton. */
export async function createTestEnvironment() {
  const root = mkdtempSync(join(tmpdir(), 'golden-paths-'));
  const dataDir = join(root, 'git');
  const workspacePath = join(root, 'workspace');
  await fs.mkdir(join(workspacePath, 'docs'), { recursive: true });
  await fs.mkdir(join(workspacePath, 'site'), { recursive: true });
  await fs.mkdir(join(workspacePath, 'service'), { recursive: true });
  await fs.writeFile(join(workspacePath, 'catalog-info.yaml'), CATALOG_INFO);
  await fs.writeFile(
    join(workspacePath, 'service', 'catalog-info.yaml'),
    CATALOG_INFO,
  );
  await fs.writeFile(join(workspacePath, 'docs', 'index.md'), '# Orders\n');
  await fs.writeFile(
    join(workspacePath, 'site', 'index.html'),
    '<h1>Site</h1>\n',
  );
  const repositories = LocalGitRepositories.create({
    config: {
      dataDir,
      baseUrl: 'http://localhost:7007/api/local-git',
      author: { name: 'Portal', email: 'portal@example' },
    },
    logger: mockServices.logger.mock(),
  });
  const publisher = new LocalRepositoryPublisher(repositories);
  return {
    root,
    dataDir,
    workspacePath,
    repositories,
    publisher,
    context: (
      input: Record<string, any>,
      extra: Record<string, unknown> = {},
    ): ActionContext<any, any> & { output: jest.Mock } =>
      ({
        ...createMockActionContext({
          input,
          workspacePath,
          templateInfo: {
            entityRef: 'template:default/typescript-service',
            entity: {
              metadata: {
                name: 'typescript-service',
                annotations: { 'fernhill.io/template-version': '1.2.0' },
              },
            },
          },
        }),
        ...extra,
      } as ActionContext<any, any> & { output: jest.Mock }),
    cleanup: () => fs.rm(root, { recursive: true, force: true }),
  };
}

/** Whether the data folder holds anything (a repository or a temporary folder). */
export async function dataDirEntries(dataDir: string): Promise<string[]> {
  try {
    return await fs.readdir(dataDir);
  } catch {
    return [];
  }
}
