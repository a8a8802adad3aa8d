import { doraEventInputSchema, doraIngestRequestSchema } from './events';

const deployment = {
  type: 'deployment',
  id: 'd1',
  service: 'payments-api',
  environment: 'production',
  status: 'success',
  startedAt: '2025-01-01T10:00:00Z',
  finishedAt: '2025-01-01T10:05:00Z',
};

describe('event schemas', () => {
  it('accepts a deployment and applies defaults', () => {
    const parsed = doraEventInputSchema.parse(deployment);
    expect(parsed).toMatchObject({ serviceKeyType: 'entity', kind: 'regular' });
  });

  it.each(['entity', 'github', 'gitlab', 'argocd', 'pagerduty'])(
    'accepts the service key type %s',
    serviceKeyType => {
      expect(
        doraEventInputSchema.parse({ ...deployment, serviceKeyType }),
      ).toMatchObject({ serviceKeyType });
    },
  );

  it.each([
    [{ ...deployment, serviceKeyType: 'bitbucket' }, 'serviceKeyType'],
    [{ ...deployment, startedAt: '1970-01-01T00:00:00Z' }, 'startedAt'],
    [{ ...deployment, finishedAt: '2999-01-01T00:00:00Z' }, 'finishedAt'],
    [{ ...deployment, finishedAt: '2024-01-01T00:00:00Z' }, 'finishedAt'],
    [{ ...deployment, finishedAt: undefined }, 'finishedAt'],
    [{ ...deployment, commitSha: 'not-a-sha' }, 'commitSha'],
    [{ ...deployment, status: 'done' }, 'status'],
    [{ ...deployment, extra: 1 }, ''],
  ])('rejects %o naming %s', (input, field) => {
    const result = doraEventInputSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map(i => i.path.join('.'))).toContain(field);
  });

  it('accepts a batch and rejects an empty one', () => {
    expect(
      doraIngestRequestSchema.safeParse({ events: [deployment] }).success,
    ).toBe(true);
    expect(doraIngestRequestSchema.safeParse({ events: [] }).success).toBe(
      false,
    );
  });
});
