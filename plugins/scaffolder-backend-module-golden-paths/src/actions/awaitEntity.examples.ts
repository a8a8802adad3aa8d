import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Wait until the component registered by the previous step is in the catalog',
    example: yaml.stringify({
      steps: [
        {
          id: 'await-entity',
          action: 'portal:catalog:await-entity',
          name: 'Wait for the catalog',
          input: {
            entityRef: 'component:default/orders-api',
            timeoutSeconds: 60,
          },
        },
      ],
    }),
  },
];
