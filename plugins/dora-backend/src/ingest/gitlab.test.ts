import { InputError } from '@backstage/errors';
import { normalizeGitlabWebhook } from './gitlab';
import {
  gitlabExample as example,
  gitlabExamples,
  mergedRequest,
} from './__fixtures__/gitlab/examples';

const {
  push: pushExample,
  mergeRequest: mergeRequestExample,
  deployment: deploymentExample,
} = gitlabExamples;
const options = { productionEnvironments: ['production', 'prod'] };

const MERGE_SHA = 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7';

describe('normalizeGitlabWebhook', () => {
  it('records every commit of a push to the default branch', () => {
    expect(normalizeGitlabWebhook('Push Hook', pushExample, options)).toEqual({
      events: [
        {
          type: 'change',
          source: 'gitlab',
          serviceKeyType: 'gitlab',
          serviceKey: 'mike/diaspora',
          externalId: 'mike/diaspora@b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327',
          sha: 'b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327',
          committedAt: Date.parse('2011-12-12T12:27:31Z'),
        },
        {
          type: 'change',
          source: 'gitlab',
          serviceKeyType: 'gitlab',
          serviceKey: 'mike/diaspora',
          externalId: `mike/diaspora@${MERGE_SHA}`,
          sha: MERGE_SHA,
          committedAt: Date.parse('2012-01-03T21:36:29Z'),
        },
      ],
    });
  });

  it('ignores pushes to other branches, tags and branch deletions, and follows configured branches', () => {
    const toBranch = (ref: string) =>
      example(pushExample, p => {
        p.ref = ref;
      });
    expect(
      normalizeGitlabWebhook(
        'Push Hook',
        toBranch('refs/heads/feature'),
        options,
      ),
    ).toEqual({ ignored: 'ref refs/heads/feature is not a tracked branch' });
    expect(
      normalizeGitlabWebhook(
        'Push Hook',
        toBranch('refs/tags/master'),
        options,
      ),
    ).toHaveProperty('ignored');
    const deletion = example(pushExample, p => {
      p.after = '0000000000000000000000000000000000000000';
      p.commits = [];
    });
    expect(
      normalizeGitlabWebhook('Push Hook', deletion, options),
    ).toHaveProperty('ignored');
    const release = normalizeGitlabWebhook(
      'Push Hook',
      toBranch('refs/heads/release'),
      { ...options, branches: ['release'] },
    );
    expect('events' in release && release.events).toHaveLength(2);
    expect(
      normalizeGitlabWebhook('Push Hook', pushExample, {
        ...options,
        branches: ['release'],
      }),
    ).toHaveProperty('ignored');
  });

  it('links a merged merge request to its merge commit with its number and address', () => {
    expect(
      normalizeGitlabWebhook(
        'Merge Request Hook',
        mergedRequest(MERGE_SHA.toUpperCase(), '2012-01-04 09:00:00 UTC'),
        options,
      ),
    ).toEqual({
      events: [
        {
          type: 'change',
          source: 'gitlab',
          serviceKeyType: 'gitlab',
          serviceKey: 'gitlabhq/gitlab-test',
          externalId: `gitlabhq/gitlab-test@${MERGE_SHA}`,
          sha: MERGE_SHA,
          committedAt: Date.parse('2012-01-04T09:00:00Z'),
          prNumber: 1,
          prUrl: 'http://example.com/diaspora/merge_requests/1',
        },
      ],
    });
  });

  it('ignores merge requests that are not merged, merged elsewhere, or fast-forwarded', () => {
    expect(
      normalizeGitlabWebhook(
        'Merge Request Hook',
        mergeRequestExample,
        options,
      ),
    ).toEqual({ ignored: 'merge request open without merge is not recorded' });
    const intoFeature = example(
      mergedRequest(MERGE_SHA, '2012-01-04T09:00:00Z'),
      p => {
        p.object_attributes.target_branch = 'feature';
      },
    );
    expect(
      normalizeGitlabWebhook('Merge Request Hook', intoFeature, options),
    ).toEqual({
      ignored: 'merge request into feature, not a tracked branch',
    });
    const fastForward = example(
      mergedRequest(MERGE_SHA, '2012-01-04T09:00:00Z'),
      p => {
        p.object_attributes.merge_commit_sha = null;
      },
    );
    expect(
      normalizeGitlabWebhook('Merge Request Hook', fastForward, options),
    ).toHaveProperty('ignored');
  });

  it('records the documented deployment with the full SHA and GitLab time', () => {
    expect(
      normalizeGitlabWebhook('Deployment Hook', deploymentExample, options),
    ).toEqual({
      events: [
        {
          type: 'deployment',
          source: 'gitlab',
          serviceKeyType: 'gitlab',
          serviceKey: 'root/test-deployment-webhooks',
          externalId: '15',
          environment: 'staging',
          stream: 'staging',
          production: false,
          status: 'success',
          kind: 'regular',
          commitSha: '279484c09fbe69ededfced8c1bb6e6d24616b468',
          startedAt: Date.parse('2021-04-28T19:50:00Z'),
          finishedAt: Date.parse('2021-04-28T19:50:00Z'),
        },
      ],
    });
  });

  it.each([
    ['running', 'in_progress', undefined],
    ['success', 'success', '2021-04-28T19:50:00Z'],
    ['failed', 'failure', '2021-04-28T19:50:00Z'],
    ['canceled', 'cancelled', '2021-04-28T19:50:00Z'],
  ])('maps deployment status %s to %s', (gitlab, status, finishedAt) => {
    const result = normalizeGitlabWebhook(
      'Deployment Hook',
      example(deploymentExample, p => {
        p.status = gitlab;
      }),
      options,
    );
    expect(result).toEqual({
      events: [
        expect.objectContaining({
          status,
          finishedAt: finishedAt && Date.parse(finishedAt),
        }),
      ],
    });
  });

  it('ignores deployment statuses GitLab reports but DORA does not count', () => {
    expect(
      normalizeGitlabWebhook(
        'Deployment Hook',
        example(deploymentExample, p => {
          p.status = 'blocked';
        }),
        options,
      ),
    ).toEqual({ ignored: "deployment status 'blocked' is not recorded" });
  });

  it.each([
    ['production', 'staging', true],
    ['staging', 'production', true],
    ['staging', 'Prod', true],
    ['staging', 'staging', false],
    [null, 'review/feature', false],
  ])(
    'counts tier %s, environment %s as production: %s',
    (tier, environment, production) => {
      const result = normalizeGitlabWebhook(
        'Deployment Hook',
        example(deploymentExample, p => {
          p.environment_tier = tier;
          p.environment = environment;
        }),
        options,
      );
      expect(result).toEqual({
        events: [expect.objectContaining({ production, stream: environment })],
      });
    },
  );

  it.each([
    ['2021-04-28 21:50:00 +0200', '2021-04-28T19:50:00Z'],
    ['2021-04-28 19:50:00 UTC', '2021-04-28T19:50:00Z'],
    ['2021-04-28T19:50:00Z', '2021-04-28T19:50:00Z'],
    ['2021-04-28 16:50:00 -03:00', '2021-04-28T19:50:00Z'],
  ])('reads the GitLab time %s', (written, iso) => {
    const result = normalizeGitlabWebhook(
      'Deployment Hook',
      example(deploymentExample, p => {
        p.status_changed_at = written;
      }),
      options,
    );
    expect(result).toEqual({
      events: [expect.objectContaining({ startedAt: Date.parse(iso) })],
    });
  });

  it.each([
    [
      'Deployment Hook',
      'status_changed_at',
      deploymentExample,
      p => {
        p.status_changed_at = '2021-02-30 21:50:00 +0200';
      },
    ],
    [
      'Deployment Hook',
      'status_changed_at',
      deploymentExample,
      p => {
        p.status_changed_at = 'yesterday';
      },
    ],
    [
      'Deployment Hook',
      'commit_url',
      deploymentExample,
      p => {
        p.commit_url = 'http://example.com/root/x/-/commit/279484c0';
      },
    ],
    [
      'Deployment Hook',
      'deployment_id',
      deploymentExample,
      p => {
        p.deployment_id = '15';
      },
    ],
    [
      'Deployment Hook',
      'environment',
      deploymentExample,
      p => {
        delete p.environment;
      },
    ],
    [
      'Push Hook',
      'project.path_with_namespace',
      pushExample,
      p => {
        p.project.path_with_namespace = '';
      },
    ],
    [
      'Push Hook',
      'commits.1.id',
      pushExample,
      p => {
        p.commits[1].id = 'not-a-sha';
      },
    ],
    [
      'Push Hook',
      'commits.0.timestamp',
      pushExample,
      p => {
        p.commits[0].timestamp = 1323692851;
      },
    ],
    [
      'Merge Request Hook',
      'object_attributes.iid',
      mergeRequestExample,
      p => {
        p.object_attributes.iid = -1;
      },
    ],
    [
      'Merge Request Hook',
      'object_attributes.merge_commit_sha',
      mergeRequestExample,
      p => {
        p.object_attributes.merge_commit_sha = 'abc';
      },
    ],
  ] as Array<[string, string, object, (p: any) => void]>)(
    'rejects a malformed %s naming %s',
    (event, field, documented, change) => {
      const call = () =>
        normalizeGitlabWebhook(event, example(documented, change), options);
      expect(call).toThrow(InputError);
      expect(call).toThrow(`${field}:`);
    },
  );

  it('acknowledges other events without recording them', () => {
    expect(normalizeGitlabWebhook('Pipeline Hook', {}, options)).toEqual({
      ignored: "GitLab event 'Pipeline Hook' is not recorded",
    });
  });
});
