import { AnalyticsEvent } from '@backstage/frontend-plugin-api';
import {
  BatchingAnalytics,
  FLUSH_INTERVAL_MS,
  MAX_BATCH,
} from './BatchingAnalytics';

const event = (
  n: number,
  over: Partial<AnalyticsEvent> = {},
): AnalyticsEvent => ({
  action: 'navigate',
  subject: `/page/${n}`,
  context: {
    pluginId: 'catalog',
    extensionId: 'page:catalog',
    routeRef: 'x',
  } as any,
  ...over,
});

describe('BatchingAnalytics', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends a full batch at once, and smaller ones after the interval', async () => {
    const send = jest.fn().mockResolvedValue(undefined);
    const analytics = new BatchingAnalytics(send, () =>
      Date.parse('2026-11-22T10:00:00Z'),
    );
    for (let i = 0; i < MAX_BATCH; i++) analytics.captureEvent(event(i));
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0][0]).toHaveLength(MAX_BATCH);
    expect(send.mock.calls[0][0][0]).toEqual({
      action: 'navigate',
      subject: '/page/0',
      at: '2026-11-22T10:00:00.000Z',
      pluginId: 'catalog',
      extensionId: 'page:catalog',
    });
    await Promise.resolve();
    for (let i = 0; i < 3; i++) analytics.captureEvent(event(i));
    await Promise.resolve();
    expect(send).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(FLUSH_INTERVAL_MS);
    await Promise.resolve();
    expect(send).toHaveBeenCalledTimes(2);
    expect(send.mock.calls[1][0]).toHaveLength(3);
  });

  it('keeps events when sending fails and sends them later', async () => {
    const send = jest
      .fn()
      .mockRejectedValueOnce(new Error('401'))
      .mockResolvedValue(undefined);
    const analytics = new BatchingAnalytics(send);
    analytics.captureEvent(event(1));
    await analytics.flush();
    expect(send).toHaveBeenCalledTimes(1);
    await analytics.flush();
    expect(send).toHaveBeenCalledTimes(2);
    expect(send.mock.calls[1][0]).toHaveLength(1);
  });

  it('clips long fields and skips non-finite values, so the backend never rejects a batch', async () => {
    const send = jest.fn().mockResolvedValue(undefined);
    const analytics = new BatchingAnalytics(send);
    analytics.captureEvent(event(1, { subject: 'x'.repeat(5000), value: NaN }));
    analytics.captureEvent(event(2, { action: '' }));
    await analytics.flush();
    const [sent] = send.mock.calls[0][0];
    expect(sent.subject).toHaveLength(1024);
    expect(sent).not.toHaveProperty('value');
    expect(send.mock.calls[0][0]).toHaveLength(1);
  });
});
