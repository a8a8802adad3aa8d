import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Request a small staging database for a component and wait until it is Ready',
    example: yaml.stringify({
      steps: [
        {
          id: 'database',
          action: 'crossplane:postgres:create',
          name: 'Request PostgreSQL',
          input: {
            name: 'orders-db',
            size: 'small',
            environment: 'staging',
            owner: 'payments',
            component: 'component:default/payments-api',
            waitForReady: true,
            timeoutSeconds: 600,
          },
        },
      ],
    }),
  },
  {
    description:
      'Request a large production database kept on deletion, without waiting for Ready',
    example: yaml.stringify({
      steps: [
        {
          id: 'database',
          action: 'crossplane:postgres:create',
          name: 'Request PostgreSQL',
          input: {
            name: 'ledger-db',
            size: 'large',
            environment: 'prod',
            owner: 'group:default/payments',
            component: 'component:default/payments-api',
            backupRetentionDays: 14,
            deletionPolicy: 'Orphan',
            waitForReady: false,
          },
        },
      ],
    }),
  },
];
