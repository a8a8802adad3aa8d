import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  crossplane?: {
    /** The catalog entity provider for databases (`@internal/plugin-catalog-backend-module-crossplane`). */
    catalog?: {
      /**
       * How often every PostgreSQLInstance is read into the catalog (default: every 30 seconds,
       * timeout 3 minutes). Runs on one replica at a time.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
