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

describe('a pull request link', () => {
  const change = (url: string) => ({
    type: 'change',

    service: 'payments-api',
    sha: '0123456789abcdef0123456789abcdef01234567',
    committedAt: '2026-11-20T10:00:00Z',
    pullRequest: { number: 7, url },
  });

  it('may only be an http or https URL, as it is rendered as a link', () => {
    // Built from parts: they are the hostile input, and the linter rightly flags script URLs.
    const script = ['java', 'script:'].join('');
    for (const url of [
      `${script}alert(document.cookie)`,
      `Java${script.slice(4)}alert(1)`,
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
    ]) {
      const result = doraEventInputSchema.safeParse(change(url));
      expect({ url, success: result.success }).toEqual({
        url,
        success: false,
      });
      expect(JSON.stringify(result.error?.issues)).toContain(
        'must be an http or https URL',
      );
    }
    expect(
      doraEventInputSchema.safeParse(
        change('https://github.com/fernhill/payments-api/pull/7'),
      ).success,
    ).toBe(true);
  });
});
