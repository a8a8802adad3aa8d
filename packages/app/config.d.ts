export interface Config {
  app?: {
    signIn?: {
      /**
       * Sign-in providers offered on the sign-in page, in order. `guest`, `demo-platform` (the
       * Platform team demo identity) and `demo-leadership` (the leadership demo identity) are for
       * local use only; production offers `github`.
       * @visibility frontend
       */
      providers?: Array<
        'guest' | 'github' | 'demo-platform' | 'demo-leadership'
      >;
    };
  };
}
