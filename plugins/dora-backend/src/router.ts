import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  doraMetricsQuerySchema,
  doraMetricsReadPermission,
  doraUnmappedReadPermission,
} from '@internal/plugin-dora-common';
import { leadershipDashboardsReadPermission } from '@internal/plugin-leadership-common';
import express, { Request, RequestHandler } from 'express';
import { createGunzip } from 'node:zlib';
import Router from 'express-promise-router';
import { DoraConfig } from './config';
import { normalizeArgoCdNotification } from './ingest/argocd';
import {
  authenticateSource,
  authenticateToken,
  verifyGithubSignature,
  verifyGitlabToken,
  verifyPagerDutySignature,
} from './ingest/authentication';
import { normalizeGenericRequest } from './ingest/generic';
import { normalizeGithubWebhook } from './ingest/github';
import { normalizeGitlabWebhook } from './ingest/gitlab';
import { NdjsonLimits, ndjsonLines } from './ingest/ndjson';
import { normalizePagerDutyWebhook } from './ingest/pagerduty';
import { parseJsonBody, parseWith } from '@internal/plugin-portal-node';
import { BackfillService } from './services/BackfillService';
import { DoraStore } from './services/DoraStore';
import { IngestService } from './services/IngestService';
import { MetricsService } from './services/MetricsService';
import { WebhookResult } from './domain/events';

/** Largest accepted request body (a full batch of events with commit lists). */
const BODY_LIMIT = '5mb';

/** Bounds of one `POST /backfill` request (a year of a mid-size organisation fits in one). */
export const BACKFILL_LIMITS: NdjsonLimits = {
  maxLineBytes: 1024 * 1024,
  maxLines: 2_000_000,
  maxBytes: 2 * 1024 * 1024 * 1024,
};

export interface RouterOptions {
  config: DoraConfig;
  ingest: IngestService;
  backfill: BackfillService;
  metrics: MetricsService;
  store: DoraStore;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  logger: LoggerService;
}

/**
 * The DORA API. Ingest routes authenticate themselves (source token, webhook signature) and keep
 * the raw body for signature checks; read routes use Backstage credentials and permissions.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    config,
    ingest,
    backfill,
    metrics,
    store,
    httpAuth,
    permissions,
    logger,
  } = options;
  const router = Router();
  // Any content type: signatures are computed over the exact bytes, and JSON is parsed here so a
  // malformed body gets a message rather than a parser stack.
  const rawBody = express.raw({ type: () => true, limit: BODY_LIMIT });
  const body = (req: Request) =>
    Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);

  const respond = async (res: express.Response, result: WebhookResult) => {
    if ('ignored' in result) {
      res.status(202).json({ accepted: 0, ignored: result.ignored });
      return;
    }
    res.status(202).json({ accepted: await ingest.ingest(result.events) });
  };

  // Every ingest route authenticates what it can from the headers before a byte of the body is
  // read: a bearer or secret token in full, a signature's presence. Anyone could otherwise make
  // the backend buffer BODY_LIMIT bytes per request without credentials.
  const beforeBody =
    (check: (req: Request, res: express.Response) => void): RequestHandler =>
    (req, res, next) => {
      check(req, res);
      next();
    };

  router.post(
    '/events',
    beforeBody((req, res) => {
      res.locals.source = authenticateSource(
        req.header('authorization'),
        config.sourceTokens,
      );
    }),
    rawBody,
    async (req, res) => {
      const source: string = res.locals.source;
      const events = normalizeGenericRequest(
        source,
        parseJsonBody(req.body),
        config,
      );
      res.status(202).json({ accepted: await ingest.ingest(events) });
    },
  );

  // Bulk history: one event per line, streamed (never buffered whole), stored in big transactions,
  // facts derived once per service at the end. Same source tokens as `POST /events`.
  const sourceFromToken = beforeBody((req, res) => {
    res.locals.source = authenticateSource(
      req.header('authorization'),
      config.sourceTokens,
    );
  });
  router.post('/backfill', sourceFromToken, async (req, res) => {
    const encoding = (req.header('content-encoding') ?? 'identity')
      .trim()
      .toLocaleLowerCase('en-US');
    if (encoding !== 'identity' && encoding !== 'gzip') {
      throw new InputError(
        `Content-Encoding ${encoding} is not supported; send identity or gzip`,
      );
    }
    const input = encoding === 'gzip' ? req.pipe(createGunzip()) : req;
    if (input !== req) {
      req.on('error', error => input.destroy(error));
    }
    const result = await backfill.run(
      res.locals.source,
      ndjsonLines(input, BACKFILL_LIMITS),
    );
    res.status(200).json(result);
  });
  router.get('/backfill/:id', sourceFromToken, async (req, res) => {
    const job = await backfill.status(res.locals.source, req.params.id);
    if (!job) {
      throw new NotFoundError(`No backfill ${req.params.id} from this source`);
    }
    res.json({
      backfill: job.id,
      status: job.status,
      lines: job.lines,
      accepted: job.events,
      pendingServices: job.pendingServices,
      resumeFromLine: job.lines + 1,
      ...(job.error ? { error: job.error } : {}),
      startedAt: new Date(job.createdAt).toISOString(),
      updatedAt: new Date(job.updatedAt).toISOString(),
    });
  });

  const githubConfig = () => {
    if (!config.github) {
      throw new NotFoundError(
        'GitHub webhooks are not configured (dora.github.webhookSecret)',
      );
    }
    return config.github;
  };
  router.post(
    '/webhooks/github',
    beforeBody(req => {
      githubConfig();
      if (!req.header('x-hub-signature-256')) {
        throw new AuthenticationError('Missing X-Hub-Signature-256 header');
      }
    }),
    rawBody,
    async (req, res) => {
      const github = githubConfig();
      await verifyGithubSignature(
        github.webhookSecret,
        body(req),
        req.header('x-hub-signature-256'),
      );
      const event = req.header('x-github-event');
      if (!event) {
        throw new InputError('Missing X-GitHub-Event header');
      }
      const payload = parseJsonBody(req.body);
      if (event === 'ping') {
        res.status(200).json({ accepted: 0, ignored: 'ping' });
        return;
      }
      await respond(
        res,
        normalizeGithubWebhook(event, payload, {
          productionEnvironments: config.productionEnvironments,
          branches: github.branches,
        }),
      );
    },
  );

  // Redeliveries (GitLab's X-Gitlab-Event-UUID / Idempotency-Key repeat) need no bookkeeping:
  // the events' ids come from the payload, so a second delivery updates the same rows.
  const gitlabConfig = () => {
    if (!config.gitlab) {
      throw new NotFoundError(
        'GitLab webhooks are not configured (dora.gitlab.secretToken)',
      );
    }
    return config.gitlab;
  };
  router.post(
    '/webhooks/gitlab',
    beforeBody(req =>
      verifyGitlabToken(
        gitlabConfig().secretToken,
        req.header('x-gitlab-token'),
      ),
    ),
    rawBody,
    async (req, res) => {
      const gitlab = gitlabConfig();
      const event = req.header('x-gitlab-event');
      if (!event) {
        throw new InputError('Missing X-Gitlab-Event header');
      }
      await respond(
        res,
        normalizeGitlabWebhook(event, parseJsonBody(req.body), {
          productionEnvironments: config.productionEnvironments,
          branches: gitlab.branches,
        }),
      );
    },
  );

  const pagerdutyConfig = () => {
    if (!config.pagerduty) {
      throw new NotFoundError(
        'PagerDuty webhooks are not configured (dora.pagerduty.webhookSecret)',
      );
    }
    return config.pagerduty;
  };
  router.post(
    '/webhooks/pagerduty',
    beforeBody(req => {
      pagerdutyConfig();
      if (!req.header('x-pagerduty-signature')) {
        throw new AuthenticationError('Missing X-PagerDuty-Signature header');
      }
    }),
    rawBody,
    async (req, res) => {
      verifyPagerDutySignature(
        pagerdutyConfig().webhookSecret,
        body(req),
        req.header('x-pagerduty-signature'),
      );
      await respond(res, normalizePagerDutyWebhook(parseJsonBody(req.body)));
    },
  );

  router.post(
    '/webhooks/argocd',
    beforeBody(req => {
      if (!config.argocd) {
        throw new NotFoundError(
          'Argo CD notifications are not configured (dora.argocd.token)',
        );
      }
      authenticateToken(req.header('authorization'), config.argocd.token);
    }),
    rawBody,
    async (req, res) => {
      await respond(
        res,
        normalizeArgoCdNotification(parseJsonBody(req.body), config),
      );
    },
  );

  const authorize = async (req: Request, permission: BasicPermission) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Missing permission ${permission.name}`);
    }
  };

  router.get('/metrics', async (req, res) => {
    const query = parseWith(doraMetricsQuerySchema, req.query, 'metrics query');
    await authorize(
      req,
      query.scope === 'organisation'
        ? leadershipDashboardsReadPermission
        : doraMetricsReadPermission,
    );
    res.json(await metrics.getMetrics(query));
  });

  // For other plugins (the adoption dashboards' time to first deploy) and the platform team.
  router.get('/first-deployments', async (req, res) => {
    await authorize(req, doraMetricsReadPermission);
    res.json({
      items: (await store.firstDeployments()).map(d => ({
        entityRef: d.entityRef,
        firstProductionDeployAt: new Date(d.at).toISOString(),
      })),
    });
  });

  router.get('/unmapped', async (req, res) => {
    await authorize(req, doraUnmappedReadPermission);
    res.json({ items: await store.listUnmapped() });
  });

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  logger.debug('DORA router ready');
  return router;
}
