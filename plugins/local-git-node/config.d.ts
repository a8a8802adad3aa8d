export interface Config {
  portal?: {
    publishing?: {
      /**
       * Where golden paths publish new repositories: `local` (default) to the portal's own Git
       * host, `github` to GitHub (`portal.publishing.github`), `gitlab` to GitLab
       * (`portal.publishing.gitlab`). Templates are the same for all three.
       */
      target?: 'local' | 'github' | 'gitlab';
      /** The portal's own Git host (`@internal/plugin-local-git-backend`), used when `target` is `local`. */
      local?: {
        /**
         * Folder holding the bare repositories, relative to the backend's working directory
         * (packages/backend when run from the repository). Default `../../.data/git`. Replicas
         * that serve the same repositories must share this folder.
         */
        dataDir?: string;
        /**
         * Public base URL of the Git host. Default `${backend.baseUrl}/api/local-git`.
         */
        baseUrl?: string;
        /** Author and committer of the initial commit. Default Fernhill Portal. */
        author?: {
          name?: string;
          email?: string;
        };
      };
    };
  };
}
