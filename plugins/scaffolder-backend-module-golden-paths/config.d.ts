export interface Config {
  portal?: {
    publishing?: {
      /** Publishing to GitHub (`portal.publishing.target: github`) through Backstage's publish:github. */
      github?: {
        /** Organisation (or user) that owns the new repositories. */
        owner: string;
        /** GitHub host of the integration to use. Default github.com. */
        host?: string;
        /** Visibility of new repositories. Default private. */
        repoVisibility?: 'private' | 'internal' | 'public';
      };
      /**
       * Publishing to GitLab (`portal.publishing.target: gitlab`) through Backstage's publish:gitlab,
       * with the token of the `integrations.gitlab` entry for `host`.
       */
      gitlab?: {
        /** Group (or `group/subgroup` path) that owns the new projects. Required for gitlab. */
        group?: string;
        /** GitLab host of the integration to use. Default gitlab.com. */
        host?: string;
        /** Visibility of new projects. Default private. */
        repoVisibility?: 'private' | 'internal' | 'public';
        /**
         * Host (and port) of the GitLab container registry the generated GitLab CI pushes images
         * to and the Helm charts pull from. Default `registry.<host>` (registry.gitlab.com).
         */
        registry?: string;
      };
    };
  };
}
