import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import { join as joinPath } from 'node:path';
import { Readable } from 'node:stream';
import { LocalGitConfig } from '../config';
import { buildLocalGitUrls, LocalGitRepositoryUrls } from '../localGitUrls';
import {
  assertValidRef,
  assertValidRepositoryName,
  normalizeRepositoryPath,
} from '../repositoryNames';
import { GitCommandError, runGit } from './gitCommand';

/** Options of {@link LocalGitRepositories.publish}. @public */
export interface LocalGitPublishOptions {
  /** Repository name, `^[a-z][a-z0-9-]{2,29}$`. */
  name: string;
  /** Folder whose contents become the initial commit (`.gitignore` is honoured). */
  sourceDir: string;
  /** Branch of the initial commit; default main. */
  defaultBranch?: string;
  /** One line shown in listings. */
  description?: string;
  /** Commit message; default "Initial commit". */
  message?: string;
  /** Author of the commit; default the configured portal author. */
  author?: { name: string; email: string };
  /** Scaffolder task creating the repository, recorded so a recovered task can recognise its own work. */
  taskId?: string;
}

/** Result of a publish. @public */
export interface LocalGitPublishResult extends LocalGitRepositoryUrls {
  commit: string;
  defaultBranch: string;
}

/** Result of {@link LocalGitRepositories.commitToBranch}. @public */
export interface LocalGitBranchResult extends LocalGitRepositoryUrls {
  branch: string;
  /** The branch's commit (the base commit when nothing differs). */
  commit: string;
  /** Whether the branch differs from its base. */
  changed: boolean;
}

/** A commit of a repository's history, as {@link LocalGitRepositories.log} lists it. @public */
export interface LocalGitCommitSummary {
  /** The commit's id. */
  commit: string;
  /** Parent commits, first parent first; none for a root commit. */
  parents: string[];
  /** The first line of the commit message. */
  subject: string;
}

/** An entry of a directory listing. @public */
export interface LocalGitTreeEntry {
  name: string;
  type: 'blob' | 'tree';
  /** Size in bytes, for blobs. */
  size?: number;
}

/** What a path inside a repository is. @public */
export type LocalGitPathInfo =
  | { type: 'tree'; commit: string; oid: string }
  | { type: 'blob'; commit: string; oid: string; size: number };

function isMissingRevision(error: unknown): boolean {
  return error instanceof GitCommandError;
}

/**
 * Bare repositories under a data folder: publishing a workspace as a new repository (atomically,
 * so concurrent publishes of one name from several replicas leave exactly one winner) and reading
 * files, listings and archives from them.
 *
 * @public
 */
export class LocalGitRepositories {
  static create(options: {
    config: LocalGitConfig;
    logger: LoggerService;
  }): LocalGitRepositories {
    return new LocalGitRepositories(options.config, options.logger);
  }

  private constructor(
    private readonly config: LocalGitConfig,
    private readonly logger: LoggerService,
  ) {}

  /** Public base URL of the host, e.g. http://localhost:7007/api/local-git. */
  get baseUrl(): string {
    return this.config.baseUrl;
  }

  /** The bare repository's folder. Validates the name, so the result is always inside the data folder. */
  gitDir(name: string): string {
    assertValidRepositoryName(name);
    return joinPath(this.config.dataDir, `${name}.git`);
  }

  urls(name: string, branch: string = 'main'): LocalGitRepositoryUrls {
    assertValidRepositoryName(name);
    return buildLocalGitUrls(this.config.baseUrl, name, branch);
  }

  async exists(name: string): Promise<boolean> {
    try {
      const stat = await fs.stat(this.gitDir(name));
      return stat.isDirectory();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  /** Names of all repositories, sorted. */
  async list(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await fs.readdir(this.config.dataDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries
      .filter(e => e.endsWith('.git'))
      .map(e => e.slice(0, -4))
      .sort();
  }

  /**
   * Creates repository `name` with the contents of `sourceDir` as its first commit. The bare
   * repository is built in a temporary folder inside the data folder and renamed into place, which
   * either succeeds completely or fails with a ConflictError when the name is taken meanwhile.
   */
  async publish(
    options: LocalGitPublishOptions,
  ): Promise<LocalGitPublishResult> {
    const { name, sourceDir } = options;
    const defaultBranch = options.defaultBranch ?? 'main';
    assertValidRepositoryName(name, 'repoName');
    assertValidRef(defaultBranch, 'defaultBranch');
    const target = this.gitDir(name);
    if (await this.exists(name)) {
      throw new ConflictError(
        `Repository ${name} already exists on the local Git host; choose another name`,
      );
    }
    await fs.mkdir(this.config.dataDir, { recursive: true });
    // Same filesystem as the target, so the final rename is atomic.
    const temp = await fs.mkdtemp(joinPath(this.config.dataDir, '.incoming-'));
    try {
      const author = options.author ?? this.config.author;
      const env = {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: this.config.author.name,
        GIT_COMMITTER_EMAIL: this.config.author.email,
      };
      await runGit([
        'init',
        '--quiet',
        '--bare',
        `--initial-branch=${defaultBranch}`,
        temp,
      ]);
      const withTree = [`--git-dir=${temp}`, `--work-tree=${sourceDir}`];
      await runGit([...withTree, 'add', '--all', '--', '.']);
      await runGit(
        [
          ...withTree,
          '-c',
          'commit.gpgsign=false',
          'commit',
          '--quiet',
          '--no-verify',
          '--allow-empty',
          '-m',
          options.message ?? 'Initial commit',
        ],
        { env },
      );
      await fs.rm(joinPath(temp, 'index'), { force: true });
      if (options.description) {
        await fs.writeFile(
          joinPath(temp, 'description'),
          `${options.description.replace(/[\r\n]+/g, ' ')}\n`,
        );
      }
      if (options.taskId) {
        await runGit([
          `--git-dir=${temp}`,
          'config',
          'portal.scaffolderTaskId',
          options.taskId,
        ]);
      }
      // Files the dumb HTTP protocol needs (info/refs, objects/info/packs).
      await runGit([`--git-dir=${temp}`, 'update-server-info']);
      const commit = (await runGit([`--git-dir=${temp}`, 'rev-parse', 'HEAD']))
        .toString('utf8')
        .trim();
      try {
        await fs.rename(temp, target);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'EEXIST') {
          throw new ConflictError(
            `Repository ${name} was created by someone else at the same time; choose another name`,
          );
        }
        throw error;
      }
      this.logger.info(`Published repository ${name} (${commit.slice(0, 12)})`);
      return {
        ...this.urls(name, defaultBranch),
        commit,
        defaultBranch,
      };
    } finally {
      await fs.rm(temp, { recursive: true, force: true });
    }
  }

  /**
   * Commits the files of `sourceDir` on top of branch `baseBranch` as branch `branch` (created, or
   * moved when it exists and only holds an earlier proposal): files in `sourceDir` replace or add
   * to the base tree, files absent from it stay as they are, except `removePaths`, which are
   * removed (a path the base does not have is ignored; one that `sourceDir` also holds is an
   * InputError, before anything is committed). Used to propose changes, such as a
   * golden-path upgrade, as a branch to review. The commit is built with a private index, so no
   * working tree is touched, and the branch moves with a compare-and-swap `update-ref`, so of two
   * concurrent proposals one wins and the other gets a ConflictError. When the result equals the
   * branch's current tree nothing is committed (a repeated proposal is idempotent).
   */
  async commitToBranch(options: {
    name: string;
    branch: string;
    baseBranch?: string;
    sourceDir: string;
    /** Files of the base tree the proposal deletes. */
    removePaths?: string[];
    message: string;
    author?: { name: string; email: string };
  }): Promise<LocalGitBranchResult> {
    const { name, branch, sourceDir } = options;
    assertValidRef(branch, 'branch');
    const removePaths = (options.removePaths ?? []).map(path => {
      const clean = normalizeRepositoryPath(path);
      if (clean === '') {
        throw new InputError(
          `Invalid path ${JSON.stringify(path)} to remove from ${name}`,
        );
      }
      return clean;
    });
    for (const path of removePaths) {
      const added = await fs
        .lstat(joinPath(sourceDir, path))
        .then(() => true)
        .catch(() => false);
      if (added) {
        throw new InputError(
          `${path} cannot be both proposed and removed in branch ${branch} of ${name}`,
        );
      }
    }
    const gitDir = this.gitDir(name);
    if (!(await this.exists(name))) {
      throw new NotFoundError(`Repository ${name} not found`);
    }
    const baseBranch = options.baseBranch ?? (await this.defaultBranch(name));
    assertValidRef(baseBranch, 'baseBranch');
    const base = await this.resolveCommit(name, baseBranch);
    const previous = await this.resolveCommit(name, branch).catch(error => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });
    const temp = await fs.mkdtemp(joinPath(this.config.dataDir, '.proposal-'));
    try {
      const env = { GIT_INDEX_FILE: joinPath(temp, 'index') };
      const git = (args: string[], extra: Record<string, string> = {}) =>
        runGit([`--git-dir=${gitDir}`, ...args], { env: { ...env, ...extra } });
      await git(['read-tree', base]);
      // --ignore-removal: files the proposal does not mention stay in the tree.
      await git([
        `--work-tree=${sourceDir}`,
        'add',
        '--ignore-removal',
        '--',
        '.',
      ]);
      if (removePaths.length > 0) {
        // Index only: a path the base does not have is not an error.
        await git([
          `--work-tree=${sourceDir}`,
          'update-index',
          '--force-remove',
          '--',
          ...removePaths,
        ]);
      }
      const tree = (await git(['write-tree'])).toString('utf8').trim();
      const baseTree = (await git(['rev-parse', `${base}^{tree}`]))
        .toString('utf8')
        .trim();
      if (previous) {
        const previousTree = (await git(['rev-parse', `${previous}^{tree}`]))
          .toString('utf8')
          .trim();
        if (previousTree === tree) {
          return {
            ...this.urls(name, branch),
            branch,
            commit: previous,
            changed: tree !== baseTree,
          };
        }
      }
      if (tree === baseTree) {
        return {
          ...this.urls(name, branch),
          branch,
          commit: base,
          changed: false,
        };
      }
      const author = options.author ?? this.config.author;
      const commit = (
        await git(['commit-tree', tree, '-p', base, '-m', options.message], {
          GIT_AUTHOR_NAME: author.name,
          GIT_AUTHOR_EMAIL: author.email,
          GIT_COMMITTER_NAME: this.config.author.name,
          GIT_COMMITTER_EMAIL: this.config.author.email,
        })
      )
        .toString('utf8')
        .trim();
      try {
        // The expected old value ('' = must not exist) makes the move a compare-and-swap.
        await git([
          'update-ref',
          `refs/heads/${branch}`,
          commit,
          previous ?? '',
        ]);
      } catch (error) {
        if (error instanceof GitCommandError) {
          throw new ConflictError(
            `Branch ${branch} of ${name} was changed by someone else at the same time; try again`,
          );
        }
        throw error;
      }
      await runGit([`--git-dir=${gitDir}`, 'update-server-info']);
      this.logger.info(
        `Committed ${commit.slice(0, 12)} to branch ${branch} of ${name}`,
      );
      return { ...this.urls(name, branch), branch, commit, changed: true };
    } finally {
      await fs.rm(temp, { recursive: true, force: true });
    }
  }

  /** Paths that differ between two branches or commits, sorted. */
  async changedPaths(
    name: string,
    from: string,
    to: string,
  ): Promise<string[]> {
    const [a, b] = [
      await this.resolveCommit(name, from),
      await this.resolveCommit(name, to),
    ];
    const out = await runGit([
      `--git-dir=${this.gitDir(name)}`,
      'diff',
      '--name-only',
      '-z',
      a,
      b,
    ]);
    return out.toString('utf8').split('\0').filter(Boolean).sort();
  }

  /** Commits reachable from `ref`, oldest first (parents before their children). */
  async log(name: string, ref: string): Promise<LocalGitCommitSummary[]> {
    const head = await this.resolveCommit(name, ref);
    const out = await runGit([
      `--git-dir=${this.gitDir(name)}`,
      'log',
      '--topo-order',
      '--reverse',
      '--format=%H%x1f%P%x1f%s',
      head,
    ]);
    return out
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map(line => {
        const [commit, parents, subject] = line.split('\x1f');
        return {
          commit,
          parents: parents ? parents.split(' ') : [],
          subject: subject ?? '',
        };
      });
  }

  /** The scaffolder task that created repository `name`, if it was recorded. */
  async createdByTask(name: string): Promise<string | undefined> {
    try {
      const out = await runGit([
        `--git-dir=${this.gitDir(name)}`,
        'config',
        '--get',
        'portal.scaffolderTaskId',
      ]);
      return out.toString('utf8').trim() || undefined;
    } catch (error) {
      if (error instanceof GitCommandError) return undefined;
      throw error;
    }
  }

  /**
   * Removes temporary folders of publishes that never finished (a crashed process), once they
   * are older than `olderThanMs`. Returns how many were removed.
   */
  async removeAbandonedPublishes(
    olderThanMs: number,
    now: Date = new Date(),
  ): Promise<number> {
    let entries: string[];
    try {
      entries = await fs.readdir(this.config.dataDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    let removed = 0;
    for (const entry of entries.filter(e => e.startsWith('.incoming-'))) {
      const path = joinPath(this.config.dataDir, entry);
      const stat = await fs.stat(path).catch(() => undefined);
      if (stat && now.getTime() - stat.mtimeMs > olderThanMs) {
        await fs.rm(path, { recursive: true, force: true });
        removed += 1;
      }
    }
    if (removed > 0) {
      this.logger.info(`Removed ${removed} unfinished publish folder(s)`);
    }
    return removed;
  }

  /** The commit a branch or commit id points at; NotFoundError when the repository or ref is missing. */
  async resolveCommit(name: string, ref?: string): Promise<string> {
    const gitDir = this.gitDir(name);
    if (!(await this.exists(name))) {
      throw new NotFoundError(`Repository ${name} not found`);
    }
    const revision = ref ?? 'HEAD';
    if (ref !== undefined) assertValidRef(ref, 'ref');
    try {
      const out = await runGit([
        `--git-dir=${gitDir}`,
        'rev-parse',
        '--verify',
        '--quiet',
        '--end-of-options',
        `${revision}^{commit}`,
      ]);
      return out.toString('utf8').trim();
    } catch (error) {
      if (isMissingRevision(error)) {
        throw new NotFoundError(
          `Branch or commit ${revision} not found in ${name}`,
        );
      }
      throw error;
    }
  }

  /** The branch HEAD points at. */
  async defaultBranch(name: string): Promise<string> {
    const out = await runGit([
      `--git-dir=${this.gitDir(name)}`,
      'symbolic-ref',
      '--short',
      'HEAD',
    ]);
    return out.toString('utf8').trim();
  }

  /** Committer date of a commit. */
  async commitDate(name: string, commit: string): Promise<Date> {
    const out = await runGit([
      `--git-dir=${this.gitDir(name)}`,
      'show',
      '-s',
      '--format=%cI',
      commit,
    ]);
    return new Date(out.toString('utf8').trim());
  }

  /** Whether `path` at `commit` is a file or a directory; NotFoundError when absent. */
  async stat(
    name: string,
    commit: string,
    path: string,
  ): Promise<LocalGitPathInfo> {
    const clean = normalizeRepositoryPath(path);
    const gitDir = this.gitDir(name);
    if (clean === '') {
      const oid = (
        await runGit([`--git-dir=${gitDir}`, 'rev-parse', `${commit}^{tree}`])
      )
        .toString('utf8')
        .trim();
      return { type: 'tree', commit, oid };
    }
    const out = (
      await runGit([
        `--git-dir=${gitDir}`,
        'ls-tree',
        '-l',
        '-z',
        commit,
        '--',
        clean,
      ])
    ).toString('utf8');
    const entry = out.split('\0').find(Boolean);
    if (!entry) {
      throw new NotFoundError(
        `${clean} not found in ${name} at ${commit.slice(0, 12)}`,
      );
    }
    const [meta] = entry.split('\t');
    const [, type, oid, size] = meta.split(/\s+/);
    if (type === 'tree') return { type: 'tree', commit, oid };
    if (type === 'blob')
      return { type: 'blob', commit, oid, size: Number(size) };
    throw new NotFoundError(`${clean} in ${name} is not a file or directory`);
  }

  /** Contents of a file. */
  async readFile(
    name: string,
    commit: string,
    path: string,
  ): Promise<{ content: Buffer; oid: string }> {
    const info = await this.stat(name, commit, path);
    if (info.type !== 'blob') {
      throw new InputError(
        `${
          normalizeRepositoryPath(path) || '/'
        } in ${name} is a directory, not a file`,
      );
    }
    const content = await runGit([
      `--git-dir=${this.gitDir(name)}`,
      'cat-file',
      'blob',
      info.oid,
    ]);
    return { content, oid: info.oid };
  }

  /** Entries of a directory, directories first. */
  async listDirectory(
    name: string,
    commit: string,
    path: string,
  ): Promise<LocalGitTreeEntry[]> {
    const info = await this.stat(name, commit, path);
    if (info.type !== 'tree') {
      throw new InputError(
        `${normalizeRepositoryPath(
          path,
        )} in ${name} is a file, not a directory`,
      );
    }
    const out = (
      await runGit([
        `--git-dir=${this.gitDir(name)}`,
        'ls-tree',
        '-l',
        '-z',
        info.oid,
      ])
    ).toString('utf8');
    const entries: LocalGitTreeEntry[] = [];
    for (const line of out.split('\0').filter(Boolean)) {
      const tab = line.indexOf('\t');
      const [, type, , size] = line.slice(0, tab).split(/\s+/);
      const entryName = line.slice(tab + 1);
      if (type === 'tree') entries.push({ name: entryName, type: 'tree' });
      else if (type === 'blob')
        entries.push({ name: entryName, type: 'blob', size: Number(size) });
    }
    // Directories first, then by name.
    const rank = (entry: LocalGitTreeEntry) => (entry.type === 'tree' ? 0 : 1);
    return entries.sort(
      (a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name),
    );
  }

  /** Paths of all files below a directory, relative to it. */
  async listFiles(
    name: string,
    commit: string,
    path: string,
  ): Promise<string[]> {
    const info = await this.stat(name, commit, path);
    if (info.type !== 'tree') return [];
    const out = (
      await runGit([
        `--git-dir=${this.gitDir(name)}`,
        'ls-tree',
        '-r',
        '-z',
        '--name-only',
        info.oid,
      ])
    ).toString('utf8');
    return out.split('\0').filter(Boolean);
  }

  /** A tar archive of a directory (files at the archive's root). */
  async archive(name: string, commit: string, path: string): Promise<Readable> {
    const info = await this.stat(name, commit, path);
    if (info.type !== 'tree') {
      throw new InputError(
        `${normalizeRepositoryPath(
          path,
        )} in ${name} is a file, not a directory`,
      );
    }
    // git runs to completion before anyone reads: a failure is a GitCommandError with git's own
    // message rather than a truncated tar, and the archive no longer depends on when the caller
    // starts reading the pipe. Repositories from golden paths are small; runGit caps the size.
    const tar = await runGit([
      `--git-dir=${this.gitDir(name)}`,
      'archive',
      '--format=tar',
      info.oid,
    ]);
    return Readable.from(tar);
  }
}
