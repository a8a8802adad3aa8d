import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { postgresRequestSchema } from '@internal/plugin-crossplane-common';
import { PostgresProvisioningService } from '@internal/plugin-crossplane-node';
import { firstZodIssueMessage } from '@internal/plugin-portal-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';

/** Longest a caller may ask the API to wait for Ready. */
const MAX_WAIT_SECONDS = 300;

const createBodySchema = postgresRequestSchema.extend({
  dryRun: z.boolean().optional(),
  /** Wait this long for Ready before answering (0 or absent: answer at once). */
  waitForReadySeconds: z.number().int().min(0).max(MAX_WAIT_SECONDS).optional(),
});

const listQuerySchema = z.object({
  component: z.string().min(1, 'is required'),
});

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new InputError(firstZodIssueMessage(parsed.error));
  }
  return parsed.data;
}

/** Options of {@link createRouter}. */
export interface RouterOptions {
  provisioning: PostgresProvisioningService;
  httpAuth: HttpAuthService;
  logger: LoggerService;
}

/**
 * `POST /postgres` requests a database (validation, then permission, then server-side apply);
 * `GET /postgres?component=<entityRef>` lists a component's databases without credentials.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { provisioning, httpAuth } = options;
  const router = Router();
  router.use(express.json());

  router.post('/postgres', async (req, res) => {
    const { dryRun, waitForReadySeconds, ...request } = parse(
      createBodySchema,
      req.body,
    );
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const result = await provisioning.create(request, { credentials, dryRun });
    if (!dryRun && waitForReadySeconds) {
      // A client that hung up no longer needs the answer: stop polling the cluster for it.
      const hungUp = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) hungUp.abort();
      });
      const instance = await provisioning.waitForReady(
        result.namespace,
        result.name,
        waitForReadySeconds * 1000,
        { signal: hungUp.signal },
      );
      res.status(201).json({ ...result, ready: true, instance });
      return;
    }
    res.status(dryRun ? 200 : 201).json(result);
  });

  router.get('/postgres', async (req, res) => {
    const { component } = parse(listQuerySchema, req.query);
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const items = await provisioning.listForComponent(component);
    res.json({ items });
  });

  return router;
}
