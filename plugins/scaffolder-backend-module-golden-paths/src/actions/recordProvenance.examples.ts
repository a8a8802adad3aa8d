import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Record the template, its version and the form's inputs in catalog-info.yaml",
    example: yaml.stringify({
      steps: [
        {
          id: 'provenance',
          action: 'portal:provenance:record',
          name: 'Record provenance',
          input: {
            inputs: {
              name: 'orders-api',
              owner: 'group:default/payments',
              database: true,
              databaseSize: 'small',
            },
          },
        },
      ],
    }),
  },
  {
    description:
      'Record provenance in an entity file elsewhere; secret-looking inputs are dropped',
    example: yaml.stringify({
      steps: [
        {
          id: 'provenance',
          action: 'portal:provenance:record',
          name: 'Record provenance',
          input: {
            entityPath: 'service/catalog-info.yaml',
            inputs: { name: 'ledger-api', apiToken: 'not-recorded' },
          },
        },
      ],
    }),
  },
];
