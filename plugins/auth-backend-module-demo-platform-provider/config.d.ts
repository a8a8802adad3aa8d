export interface Config {
  auth?: {
    providers?: {
      /**
       * Local demo only: a second sign-in identity for showing the leadership dashboards. Works
       * only with `auth.environment: development`; production sets it to null.
       */
      'demo-leadership'?: {
        /** The catalog user to sign in as, e.g. user:default/amara.okafor. */
        userEntityRef: string;
      };
    };
  };
}
