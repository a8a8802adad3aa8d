import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  LocalGitRepositories,
  isValidRef,
  normalizeRepositoryPath,
} from '@internal/plugin-local-git-node';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { existsSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { isDumbProtocolPath, pktLine, uploadPack } from './gitHttpProtocol';
import { renderDirectoryListing } from './htmlListing';

const NAME = '([a-z][a-z0-9-]{2,29})';

/** Options of {@link createRouter}. */
export interface RouterOptions {
  repositories: LocalGitRepositories;
  logger: LoggerService;
  /** False when golden paths publish elsewhere (GitHub): the host then serves nothing. */
  enabled: boolean;
  /** How long an upload-pack request body may stall before it is dropped (default 30 s). */
  uploadIdleTimeoutMs?: number;
}

function wantsJson(req: Request): boolean {
  return (
    req.query.format === 'json' || req.accepts(['html', 'json']) === 'json'
  );
}

function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

/**
 * Read-only HTTP access to the local Git host: `git clone` (smart and dumb protocols), file
 * listings for people, raw files.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { repositories, logger, enabled } = options;
  const uploadIdleTimeoutMs = options.uploadIdleTimeoutMs ?? 30_000;
  const router = Router();

  router.use((_req, _res, next) => {
    if (!enabled) {
      throw new NotFoundError(
        'The local Git host is off: portal.publishing.target is not local',
      );
    }
    next();
  });

  router.get('/', async (_req, res) => {
    const names = await repositories.list();
    res.json({
      repositories: names.map(name => ({ name, ...repositories.urls(name) })),
    });
  });

  const existingGitDir = async (name: string) => {
    if (!(await repositories.exists(name))) {
      throw new NotFoundError(`Repository ${name} not found`);
    }
    return repositories.gitDir(name);
  };

  // Pushing is not offered: repositories are created by the portal's publish action only.
  router.all(new RegExp(`^/${NAME}\\.git/git-receive-pack$`), () => {
    throw new NotAllowedError('The local Git host is read-only');
  });

  router.post(
    new RegExp(`^/${NAME}\\.git/git-upload-pack$`),
    async (req, res) => {
      const gitDir = await existingGitDir(req.params[0]);
      // A client that stops sending (a Content-Length longer than the body, say) would otherwise
      // hold the request and a git process until the server's own timeout.
      req.setTimeout(uploadIdleTimeoutMs, () => {
        req.destroy(new InputError('The upload-pack request stalled'));
      });
      res.setHeader('Content-Type', 'application/x-git-upload-pack-result');
      res.setHeader('Cache-Control', 'no-cache');
      try {
        await uploadPack({
          gitDir,
          advertiseRefs: false,
          gitProtocol: req.header('git-protocol'),
          input: req,
          gzip: req.headers['content-encoding'] === 'gzip',
          output: res,
        });
      } catch (error) {
        logger.warn(`git upload-pack for ${req.params[0]} failed: ${error}`);
        if (!res.headersSent && !req.socket.destroyed) {
          // The rest of the body is not read: the connection ends with the answer.
          res.setHeader('Connection', 'close');
          throw new InputError(
            'The upload-pack request could not be read: send a complete git request body (optionally gzip-compressed)',
          );
        }
        // Part of a pack is on its way: cut the connection so the client sees a failure.
        res.destroy();
        return;
      } finally {
        req.setTimeout(0);
      }
      res.end();
    },
  );

  router.get(new RegExp(`^/${NAME}\\.git/(.+)$`), async (req, res) => {
    const name = req.params[0];
    const path = req.params[1];
    const gitDir = await existingGitDir(name);
    const service = req.query.service;
    if (path === 'info/refs' && service === 'git-receive-pack') {
      throw new NotAllowedError('The local Git host is read-only');
    }
    if (path === 'info/refs' && service === 'git-upload-pack') {
      const gitProtocol = req.header('git-protocol');
      res.setHeader(
        'Content-Type',
        'application/x-git-upload-pack-advertisement',
      );
      res.setHeader('Cache-Control', 'no-cache');
      // Protocol v2 starts with the capability advertisement; v0 with the service line.
      if (!gitProtocol?.includes('version=2')) {
        res.write(`${pktLine('# service=git-upload-pack\n')}0000`);
      }
      await uploadPack({
        gitDir,
        advertiseRefs: true,
        gitProtocol,
        output: res,
      });
      res.end();
      return;
    }
    if (!isDumbProtocolPath(path) || !existsSync(joinPath(gitDir, path))) {
      throw new NotFoundError(`${path} not found in ${name}.git`);
    }
    res.sendFile(path, { root: gitDir, dotfiles: 'deny' });
  });

  router.get(new RegExp(`^/${NAME}/?$`), async (req, res) => {
    const name = req.params[0];
    await existingGitDir(name);
    const branch = await repositories.defaultBranch(name);
    res.redirect(
      `${repositories.baseUrl}/${name}/tree/${encodeURIComponent(branch)}/`,
    );
  });

  router.get(
    new RegExp(`^/${NAME}/(tree|blob)/([^/]+)(?:/(.*))?$`),
    async (req, res) => {
      const name = req.params[0];
      const ref = req.params[2];
      if (!isValidRef(ref)) throw new NotFoundError(`Branch ${ref} not found`);
      const path = normalizeRepositoryPath(req.params[3] ?? '');
      const commit = await repositories.resolveCommit(name, ref);
      const info = await repositories.stat(name, commit, path);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      if (info.type === 'blob') {
        const { content } = await repositories.readFile(name, commit, path);
        res.setHeader(
          'Content-Type',
          isBinary(content)
            ? 'application/octet-stream'
            : 'text/plain; charset=utf-8',
        );
        res.setHeader('ETag', `"${info.oid}"`);
        res.send(content);
        return;
      }
      const entries = await repositories.listDirectory(name, commit, path);
      if (wantsJson(req)) {
        res.json({ repository: name, ref, commit, path, entries });
        return;
      }
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.send(
        renderDirectoryListing({
          baseUrl: repositories.baseUrl,
          repo: name,
          ref,
          commit,
          path,
          entries,
          cloneUrl: repositories.urls(name).cloneUrl,
        }),
      );
    },
  );

  return router;
}
