import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import {
  DemoAuth,
  demoLeadershipAuthApiRef,
  demoPlatformAuthApiRef,
} from './DemoAuth';
import { PortalSignInPage } from './PortalSignInPage';

const discovery = {
  getBaseUrl: async () => 'http://localhost:7007/api/auth',
};

async function renderWith(providers?: string[]) {
  await renderInTestApp(<PortalSignInPage onSignInSuccess={() => {}} />, {
    config: {
      app: { title: 'Portal', ...(providers ? { signIn: { providers } } : {}) },
      backend: { baseUrl: 'http://localhost:7007' },
    },
    apis: [
      [demoPlatformAuthApiRef, new DemoAuth(discovery, 'demo-platform')],
      [demoLeadershipAuthApiRef, new DemoAuth(discovery, 'demo-leadership')],
    ],
  });
}

describe('PortalSignInPage', () => {
  it('offers guest sign-in when configured for local use', async () => {
    await renderWith(['guest']);
    expect(await screen.findByText('Guest')).toBeInTheDocument();
    expect(screen.queryByText('GitHub')).not.toBeInTheDocument();
  });

  it('offers only GitHub in production', async () => {
    await renderWith(['github']);
    expect(await screen.findByText('GitHub')).toBeInTheDocument();
    expect(screen.queryByText('Guest')).not.toBeInTheDocument();
  });

  it('offers the platform team demo identity when configured locally', async () => {
    await renderWith(['guest', 'demo-platform']);
    expect(await screen.findByText('Guest')).toBeInTheDocument();
    expect(screen.getByText('Platform team demo')).toBeInTheDocument();
  });

  it('offers the leadership demo identity when configured locally', async () => {
    await renderWith(['guest', 'demo-platform', 'demo-leadership']);
    expect(await screen.findByText('Leadership demo')).toBeInTheDocument();
    expect(screen.getByText('Platform team demo')).toBeInTheDocument();
  });

  it('falls back to guest when nothing is configured', async () => {
    await renderWith();
    expect(await screen.findByText('Guest')).toBeInTheDocument();
  });
});
