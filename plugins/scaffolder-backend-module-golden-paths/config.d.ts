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
    };
  };
}
