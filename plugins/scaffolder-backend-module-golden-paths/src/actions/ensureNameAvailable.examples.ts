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
];
