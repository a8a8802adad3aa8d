import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { configApiRef, identityApiRef } from '@backstage/frontend-plugin-api';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { AdoptionApi, adoptionApiRef } from '../api/AdoptionApi';
import { NpsPrompt } from './NpsPrompt';

function api(due: boolean): jest.Mocked<AdoptionApi> {
  return {
    getAccess: jest.fn(),
    getSummary: jest.fn(),
    importTicketsCsv: jest.fn(),
    getNpsStatus: jest
      .fn()
      .mockResolvedValue({ due, periodDays: 90, anonymous: true }),
    answerNps: jest.fn().mockResolvedValue(undefined),
    dismissNps: jest.fn().mockResolvedValue(undefined),
    sendAnalytics: jest.fn(),
    getServicesBehindLatest: jest.fn(),
  };
}

const render = (adoptionApi: AdoptionApi) =>
  renderInTestApp(
    <TestApiProvider
      apis={[
        [adoptionApiRef, adoptionApi],
        [
          configApiRef,
          mockApis.config({
            data: { adoption: { nps: { promptDelaySeconds: 0 } } },
          }),
        ],
        [identityApiRef, mockApis.identity()],
      ]}
    >
      <NpsPrompt />
    </TestApiProvider>,
  );

describe('NpsPrompt', () => {
  it('asks when due and sends the chosen score with the comment', async () => {
    const adoptionApi = api(true);
    await render(adoptionApi);
    fireEvent.click(await screen.findByRole('button', { name: '9' }));
    fireEvent.change(screen.getByLabelText(/Anything we should know/), {
      target: { value: ' Fast! ' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() =>
      expect(adoptionApi.answerNps).toHaveBeenCalledWith({
        score: 9,
        comment: 'Fast!',
      }),
    );
    expect(await screen.findByText('Thank you!')).toBeInTheDocument();
  });

  it('can be dismissed, which the backend remembers for the period', async () => {
    const adoptionApi = api(true);
    await render(adoptionApi);
    fireEvent.click(
      (await screen.findAllByRole('button', { name: 'Not now' }))[0],
    );
    expect(adoptionApi.dismissNps).toHaveBeenCalled();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('does not survey automated browsers', async () => {
    const adoptionApi = api(true);
    Object.defineProperty(navigator, 'webdriver', {
      value: true,
      configurable: true,
    });
    try {
      await render(adoptionApi);
      await new Promise(resolve => setTimeout(resolve, 50));
      expect(adoptionApi.getNpsStatus).not.toHaveBeenCalled();
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    } finally {
      Object.defineProperty(navigator, 'webdriver', {
        value: false,
        configurable: true,
      });
    }
  });

  it('stays hidden when not due', async () => {
    const adoptionApi = api(false);
    await render(adoptionApi);
    await waitFor(() => expect(adoptionApi.getNpsStatus).toHaveBeenCalled());
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});
