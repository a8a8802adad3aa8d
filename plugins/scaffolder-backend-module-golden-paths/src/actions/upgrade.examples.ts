import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Propose the latest version of a component's golden path as a branch of its repository",
    example: yaml.stringify({
      steps: [
        {
          id: 'upgrade',
          action: 'portal:template:upgrade',
          name: 'Upgrade to the latest golden path',
          input: { entityRef: 'component:default/orders-api' },
        },
      ],
    }),
  },
  {
    description: 'Upgrade the component picked in the form',
    example: yaml.stringify({
      steps: [
        {
          id: 'upgrade',
          action: 'portal:template:upgrade',
          name: 'Upgrade to the latest golden path',
          input: { entityRef: '${{ parameters.component }}' },
        },
      ],
    }),
  },
];
