import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Record a finished golden-path run for the adoption dashboards',
    example: yaml.stringify({
      steps: [
        {
          id: 'adoption',
          action: 'portal:adoption:emit',
          name: 'Record adoption',
          input: {
            type: 'template-run',
            entityRef: 'component:default/orders-api',
            owner: 'group:default/payments',
            kind: 'service',
          },
        },
      ],
    }),
  },
  {
    description:
      'Record a self-service database request with the time it was requested',
    example: yaml.stringify({
      steps: [
        {
          id: 'adoption',
          action: 'portal:adoption:emit',
          name: 'Record adoption',
          input: {
            type: 'self-service',
            entityRef: 'component:default/orders-api',
            owner: 'payments',
            kind: 'database',
            requestedAt: '2026-11-22T01:00:00.000Z',
          },
        },
      ],
    }),
  },
];
