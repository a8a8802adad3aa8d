import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Register the repository the publish step created, so its component appears in the catalog',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'portal:catalog:register',
          name: 'Register in the catalog',
          input: { repoName: 'orders-api', defaultBranch: 'main' },
        },
      ],
    }),
  },
];
