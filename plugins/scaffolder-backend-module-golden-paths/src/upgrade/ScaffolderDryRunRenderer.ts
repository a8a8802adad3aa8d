import {
  AuthService,
  DiscoveryService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import {
  fetchContents,
  serializeDirectoryContents,
} from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import { renderingTemplate, templateBaseUrl, UpgradeFile } from './upgradePlan';

/**
 * Renders a template's skeleton with given inputs, as the template itself would.
 *
 * @public
 */
export interface TemplateRenderer {
  render(options: {
    template: Entity;
    values: JsonObject;
    /** An empty folder to read the template's files into. */
    workDir: string;
  }): Promise<UpgradeFile[]>;
}

/**
 * Renders through the scaffolder's own dry run (`POST /v2/dry-run`): the template's files are read
 * from its location as `fetch:template` would, and the template runs reduced to its rendering steps
 * (`renderingTemplate`). The dry run is asked with this module's own service credentials, not the
 * user's: dry runs are platform-only (an inline template could run any step with the portal's
 * credentials), whereas this one runs only the rendering steps of a Template the user could already
 * read from the catalog, which only the platform team's Git locations provide, and the action has
 * checked that the user owns the component before it gets here. The dry run answers the workspace it ends with, which is the skeleton
 * exactly as a new run of the template would publish it.
 *
 * @public
 */
export class ScaffolderDryRunRenderer implements TemplateRenderer {
  constructor(
    private readonly options: {
      reader: UrlReaderService;
      integrations: ScmIntegrations;
      discovery: DiscoveryService;
      auth: AuthService;
    },
  ) {}

  async render(options: {
    template: Entity;
    values: JsonObject;
    workDir: string;
  }): Promise<UpgradeFile[]> {
    const { reader, integrations, discovery, auth } = this.options;
    await fetchContents({
      reader,
      integrations,
      baseUrl: templateBaseUrl(options.template),
      fetchUrl: '.',
      outputPath: options.workDir,
    });
    const files = await serializeDirectoryContents(options.workDir);
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'scaffolder',
    });
    const response = await fetch(
      `${await discovery.getBaseUrl('scaffolder')}/v2/dry-run`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({
          template: renderingTemplate(options.template),
          values: options.values,
          directoryContents: files.map(f => ({
            path: f.path,
            base64Content: f.content.toString('base64'),
          })),
        }),
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body = (await response.json()) as {
      directoryContents: {
        path: string;
        base64Content: string;
        executable?: boolean;
      }[];
    };
    return body.directoryContents.map(f => ({
      path: f.path,
      content: Buffer.from(f.base64Content, 'base64'),
      executable: f.executable,
    }));
  }
}
