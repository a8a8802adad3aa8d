import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  adoptionAnalyticsRequestSchema,
  adoptionEventsRequestSchema,
  adoptionNpsAnswerSchema,
  adoptionSummaryQuerySchema,
  adoptionTicketsImportPermission,
  adoptionTicketsRequestSchema,
  ServicesBehindLatestResponse,
} from '@internal/plugin-adoption-common';
import { leadershipDashboardsReadPermission } from '@internal/plugin-leadership-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { ticketsFromCsv, validateTickets } from './ingest/tickets';
import { parseJsonBody, parseWith } from '@internal/plugin-portal-node';
import { IngestService } from './services/IngestService';
import { SummaryService } from './services/SummaryService';

/** Largest accepted request body (a ticket CSV of 10,000 rows fits comfortably). */
const BODY_LIMIT = '5mb';

export interface RouterOptions {
  ingest: IngestService;
  summary: SummaryService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  logger: LoggerService;
}

/**
 * The adoption API. Ingest routes validate every field (InputError naming it); the dashboards
 * need `leadership.dashboards.read`, ticket imports `adoption.tickets.import`.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { ingest, summary, httpAuth, permissions, logger } = options;
  const router = Router();
  const json = express.raw({ type: () => true, limit: BODY_LIMIT });
  const text = express.text({ type: () => true, limit: BODY_LIMIT });

  const allowed = async (
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ) => {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  };
  const authorize = async (req: Request, permission: BasicPermission) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    if (!(await allowed(credentials, permission))) {
      throw new NotAllowedError(`Missing permission ${permission.name}`);
    }
  };
  const user = async (req: Request): Promise<string> => {
    const credentials: BackstageCredentials<BackstageUserPrincipal> =
      await httpAuth.credentials(req, { allow: ['user'] });
    return credentials.principal.userEntityRef;
  };

  // Contract 3: the scaffolder's golden-path actions (and other backends) post with service
  // credentials. Users may not: an event counts as a golden-path run or a self-service request on
  // the dashboards, so a user's event would be a forged figure.
  router.post('/events', json, async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const { events } = parseWith(
      adoptionEventsRequestSchema,
      parseJsonBody(req.body),
      'adoption events',
    );
    res.status(202).json(await ingest.events(events));
  });

  router.post('/tickets', json, async (req, res) => {
    await authorize(req, adoptionTicketsImportPermission);
    const { tickets } = parseWith(
      adoptionTicketsRequestSchema,
      parseJsonBody(req.body),
      'tickets',
    );
    res.status(200).json(await ingest.tickets(validateTickets(tickets)));
  });

  router.post('/tickets/import', text, async (req, res) => {
    await authorize(req, adoptionTicketsImportPermission);
    if (typeof req.body !== 'string' || req.body.trim() === '') {
      throw new InputError('Request body is missing; send the CSV as text/csv');
    }
    res.status(200).json(await ingest.tickets(ticketsFromCsv(req.body)));
  });

  router.post('/analytics', json, async (req, res) => {
    const userEntityRef = await user(req);
    const { events } = parseWith(
      adoptionAnalyticsRequestSchema,
      parseJsonBody(req.body),
      'analytics events',
    );
    res.status(202).json(await ingest.analytics(events, userEntityRef));
  });

  router.get('/nps/status', async (req, res) => {
    res.json(await ingest.npsStatus(await user(req)));
  });

  router.post('/nps', json, async (req, res) => {
    const userEntityRef = await user(req);
    const answer = parseWith(
      adoptionNpsAnswerSchema,
      parseJsonBody(req.body),
      'survey answer',
    );
    await ingest.npsAnswer(userEntityRef, answer);
    res.status(201).json({ recorded: true });
  });

  router.post('/nps/dismiss', async (req, res) => {
    await ingest.npsDismiss(await user(req));
    res.status(204).end();
  });

  /** What the signed-in user may do here, so the page shows only what works. */
  router.get('/access', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [dashboards, ticketsImport] = await Promise.all([
      allowed(credentials, leadershipDashboardsReadPermission),
      allowed(credentials, adoptionTicketsImportPermission),
    ]);
    res.json({ dashboards, ticketsImport });
  });

  router.get('/summary', async (req, res) => {
    const query = parseWith(
      adoptionSummaryQuerySchema,
      req.query,
      'summary query',
    );
    await authorize(req, leadershipDashboardsReadPermission);
    res.json(await summary.summary(query.window));
  });

  /** Services behind the latest golden path, for the page's upgrade list. */
  router.get('/behind-latest', async (req, res) => {
    await authorize(req, leadershipDashboardsReadPermission);
    const body: ServicesBehindLatestResponse = {
      items: await summary.behindLatest(),
    };
    res.json(body);
  });

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  logger.debug('Adoption router ready');
  return router;
}
