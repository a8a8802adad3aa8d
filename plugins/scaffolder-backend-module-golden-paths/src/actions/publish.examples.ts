import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Publish the whole workspace as a new repository',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'portal:publish',
          name: 'Publish',
          input: {
            repoName: 'orders-api',
            description: 'Order intake for the marketplace',
          },
        },
      ],
    }),
  },
  {
    description:
      'Publish a sub-folder of the workspace on a custom default branch',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'portal:publish',
          name: 'Publish',
          input: {
            repoName: 'ledger-site',
            defaultBranch: 'trunk',
            sourcePath: 'site',
          },
        },
      ],
    }),
  },
];
