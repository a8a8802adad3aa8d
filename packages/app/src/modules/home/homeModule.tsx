import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { MarkdownContent } from '@backstage/core-components';

const content = `
## Welcome to the Fernhill Developer Portal

Everything you need to build and run a service, without filing a ticket.

- **Find software and owners** in the [catalog](/catalog): every service, API, database and team.
- **Start something new** from a [golden path](/create): a service with CI, container build,
  deployment manifests, observability and docs, registered under your team.
- **Read the docs** of any component from its page, or search across all of them.

Questions or ideas for the platform? The Platform team owns this portal
([platform@fernhill.example](mailto:platform@fernhill.example)).
`;

const gettingStartedWidget = HomePageWidgetBlueprint.make({
  name: 'getting-started',
  params: {
    name: 'GettingStarted',
    title: 'Getting started',
    description: 'Where to find things in the portal',
    components: async () => ({
      Content: () => <MarkdownContent content={content} />,
    }),
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [gettingStartedWidget],
});
