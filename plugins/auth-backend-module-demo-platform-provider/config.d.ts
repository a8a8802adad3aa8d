export interface Config {
  auth?: {
    providers?: {
      /**
       * Local demo only: a second sign-in identity for showing the organisation-wide dashboards and ticket import. Works
       * only with `auth.environment: development`; production sets it to null.
       */
      'demo-platform'?: {
        /** The catalog user to sign in as, e.g. user:default/chloe.dubois. */
        userEntityRef: string;
      };
      /**
       * Local demo only: a leadership identity for showing the leader's Home and dashboards.
       * Works only with `auth.environment: development`; production sets it to null.
       */
      'demo-leadership'?: {
        /** The catalog user to sign in as, e.g. user:default/amara.okafor. */
        userEntityRef: string;
      };
    };
  };
}
