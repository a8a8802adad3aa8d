import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Refuse a name already used in the catalog or at the publisher, as the first step',
    example: yaml.stringify({
      steps: [
        {
          id: 'name',
          action: 'portal:name:ensure-available',
          name: 'Check the name is free',
          input: { name: 'orders-api' },
        },
      ],
    }),
  },
  {
    description: 'Check with the kind and namespace spelled out',
    example: yaml.stringify({
      steps: [
        {
          id: 'name',
          action: 'portal:name:ensure-available',
          name: 'Check the name is free',
          input: {
            name: 'ledger-api',
            kind: 'Component',
            namespace: 'default',
          },
        },
      ],
    }),
  },
  {
    description:
      'Render the planned repository into the skeleton and keep only the CI definition of the publishing target',
    example: yaml.stringify({
      steps: [
        {
          id: 'check-name',
          action: 'portal:name:ensure-available',
          name: 'Check the name is free',
          input: { name: 'billing-api' },
        },
        {
          id: 'fetch',
          action: 'fetch:template',
          name: 'Render the skeleton',
          input: {
            url: './skeleton',
            copyWithoutTemplating: ['.github/workflows/*', '.gitlab-ci.yml'],
            values: {
              name: 'billing-api',
              repoSlug: "${{ steps['check-name'].output.repoSlug }}",
              repoUrl: "${{ steps['check-name'].output.repoUrl }}",
              imageRepository:
                "${{ steps['check-name'].output.imageRepository }}",
              publishingTarget:
                "${{ steps['check-name'].output.publishingTarget }}",
            },
          },
        },
        {
          id: 'drop-github-actions',
          action: 'fs:delete',
          name: 'Keep GitLab CI only',
          if: "${{ steps['check-name'].output.publishingTarget === 'gitlab' }}",
          input: { files: ['.github'] },
        },
        {
          id: 'drop-gitlab-ci',
          action: 'fs:delete',
          name: 'Keep GitHub Actions only',
          if: "${{ steps['check-name'].output.publishingTarget !== 'gitlab' }}",
          input: { files: ['.gitlab-ci.yml'] },
        },
      ],
    }),
  },
];
