export interface Config {
  portal?: {
    permissions?: {
      /**
       * Group entity refs (for example `group:default/leadership`) whose members may read the
       * organisation-wide DORA and adoption dashboards.
       */
      leadershipGroups?: string[];
      /**
       * Group entity refs whose members administer the portal: they manage templates and
       * locations and may act on every team's resources.
       */
      platformGroups?: string[];
    };
  };
}
